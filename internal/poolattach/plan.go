package poolattach

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Kind says what an update does with one described setting.
type Kind int

// The kinds, in the order a plan lists them.
const (
	Refused  Kind = iota // the update would lose or alter it: the plan refuses
	Changed              // the update changes it on purpose (the trigger, this package's tags)
	Adjusted             // left out by a documented rule (Entry.Note names it)
	NotSent              // read-only: UpdateUserPool neither takes nor resets it
	Kept                 // sent back as described (or a false/empty value the SDK leaves out, Cognito's default)
)

func (k Kind) String() string {
	return [...]string{"REFUSED", "changed", "adjusted", "not sent", "kept"}[k]
}

// Entry is one described setting (a leaf of the JSON, or a whole read-only field) and what the
// update does with it.
type Entry struct {
	Path          string // e.g. "LambdaConfig.CustomMessage", "UserPoolTags[team]"
	Before, After string // JSON; After is "" when the update does not send it
	Kind          Kind
	Note          string
}

// Plan is an UpdateUserPool request checked against the description it was built from.
type Plan struct {
	PoolID  string
	Input   *cip.UpdateUserPoolInput
	Entries []Entry // sorted by Kind, then Path
}

// ErrRefused marks every refusal of this package: the pool was not changed.
var ErrRefused = errors.New("refused; the pool was not changed")

// Refused lists the entries that make the plan refuse.
func (p *Plan) Refused() []Entry { return p.only(Refused) }

// Changed lists what the update changes.
func (p *Plan) Changed() []Entry { return p.only(Changed) }

func (p *Plan) only(k Kind) []Entry {
	var out []Entry
	for _, e := range p.Entries {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// Err is nil when the update carries every described setting; otherwise it names the fields it
// would reset or alter, and why a newer release is the way out.
func (p *Plan) Err() error {
	ref := p.Refused()
	if len(ref) == 0 {
		return nil
	}
	var parts []string
	for _, e := range ref {
		parts = append(parts, e.Path+" ("+e.Note+")")
	}
	return fmt.Errorf("user pool %s: DescribeUserPool returned settings this release cannot carry over, so UpdateUserPool would reset them: %s. "+
		"This happens when AWS adds pool settings after the release's AWS SDK: deploy a newer release of cognito-custom-message, "+
		"or wire the trigger where the pool is managed (README, \"Use an existing user pool\"): %w",
		p.PoolID, strings.Join(parts, "; "), ErrRefused)
}

// Write prints the plan for a person: what changes, what is adjusted and why, what is refused; with
// all, every carried and read-only setting too.
func (p *Plan) Write(w io.Writer, all bool) {
	counts := map[Kind]int{}
	for _, e := range p.Entries {
		counts[e.Kind]++
		if !all && (e.Kind == Kept || e.Kind == NotSent) {
			continue
		}
		switch {
		case e.Kind == Changed:
			fmt.Fprintf(w, "  %-8s  %s: %s -> %s\n", e.Kind, e.Path, orNone(e.Before), orNone(e.After))
		case e.Note != "":
			fmt.Fprintf(w, "  %-8s  %s = %s  (%s)\n", e.Kind, e.Path, e.Before, e.Note)
		default:
			fmt.Fprintf(w, "  %-8s  %s = %s\n", e.Kind, e.Path, e.Before)
		}
	}
	fmt.Fprintf(w, "  %d carried unchanged, %d read-only (not sent, not reset), %d changed, %d adjusted by a rule, %d refused\n",
		counts[Kept], counts[NotSent], counts[Changed], counts[Adjusted], counts[Refused])
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// NewPlan builds the update that sets the CustomMessage trigger to customMessage and this
// package's tags from rec (nil removes them), serializes it exactly as the SDK will send it
// (nothing is sent), and compares that with the raw description, field by field at every depth.
func NewPlan(ctx context.Context, api API, d *Described, customMessage string, rec *Record) (*Plan, error) {
	return newPlanWith(ctx, api, d, customMessage, rec, nil)
}

// newPlanWith is NewPlan with a change of the request's LambdaConfig besides CustomMessage: change
// edits it and returns the paths it changed on purpose, which the comparison then counts as
// changes rather than losses; nil changes nothing else.
func newPlanWith(ctx context.Context, api API, d *Described, customMessage string, rec *Record, change func(*types.LambdaConfigType) []string) (*Plan, error) {
	in, adj := UpdateInput(d.Pool, customMessage, rec)
	var removed []string
	if change != nil {
		removed = change(in.LambdaConfig)
	}
	body, err := serialize(ctx, api, in)
	if err != nil {
		return nil, err
	}
	p := &Plan{PoolID: deref(d.Pool.Id), Input: in}
	adjusted := map[string]string{}
	for _, a := range adj {
		adjusted[a.Path] = a.Rule
	}
	cmp := comparer{adjusted: adjusted, removed: removed, add: func(e Entry) { p.Entries = append(p.Entries, e) }}
	cmp.top(d.Raw, body)
	if rec != nil {
		if err := rec.check(); err != nil {
			p.Entries = append(p.Entries, Entry{Path: "UserPoolTags", Kind: Refused, Note: err.Error()})
		}
	}
	if n := len(in.UserPoolTags) + countReserved(d.Pool.UserPoolTags); rec != nil && n > MaxTags {
		p.Entries = append(p.Entries, Entry{Path: "UserPoolTags", Kind: Refused,
			Note: fmt.Sprintf("no room for this package's %d record tags: the pool would have %d tags, at most %d are allowed (rule tag-limits)", len(rec.tags()), n, MaxTags)})
	}
	sort.SliceStable(p.Entries, func(i, j int) bool {
		if p.Entries[i].Kind != p.Entries[j].Kind {
			return p.Entries[i].Kind < p.Entries[j].Kind
		}
		return p.Entries[i].Path < p.Entries[j].Path
	})
	return p, nil
}

func countReserved(tags map[string]string) int {
	n := 0
	for k := range tags {
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			n++
		}
	}
	return n
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// absent marks a key missing from a JSON object (as opposed to a JSON null).
type absentT struct{}

var absent = absentT{}

type comparer struct {
	adjusted map[string]string
	// removed are the LambdaConfig fields this update removes on purpose (withoutSenders): every
	// path under them is a change, not a loss.
	removed []string
	add     func(Entry)
}

func (c comparer) changeable(path string) bool {
	for _, r := range c.removed {
		if path == r || strings.HasPrefix(path, r+".") {
			return true
		}
	}
	return changeable(path)
}

// top compares the description's top-level fields with the request's, where two are renamed
// (Id → UserPoolId, Name → PoolName) and the read-only ones are not expected.
func (c comparer) top(desc, req map[string]any) {
	renamed := map[string]string{"Id": "UserPoolId", "Name": "PoolName"}
	seen := map[string]bool{}
	for _, k := range sortedKeys(desc) {
		if reason, ok := ReadOnly[k]; ok {
			c.add(Entry{Path: k, Before: jsonText(desc[k]), Kind: NotSent, Note: reason})
			continue
		}
		rk := k
		if r, ok := renamed[k]; ok {
			rk = r
		}
		seen[rk] = true
		if k == "UserPoolTags" {
			c.tags(desc[k], lookup(req, rk))
			continue
		}
		c.value(k, desc[k], lookup(req, rk))
	}
	for _, k := range sortedKeys(req) {
		switch {
		case seen[k]:
		case k == "UserPoolTags":
			c.tags(nil, req[k])
		default:
			c.value(k, absent, req[k])
		}
	}
}

// tags compares tag by tag: keys are data, not fields.
func (c comparer) tags(desc, req any) {
	d, _ := desc.(map[string]any)
	r, _ := req.(map[string]any)
	for _, k := range sortedKeys(d) {
		c.value(tagPath(k), d[k], lookup(r, k))
	}
	for _, k := range sortedKeys(r) {
		if _, ok := d[k]; !ok {
			c.value(tagPath(k), absent, r[k])
		}
	}
}

func lookup(m map[string]any, k string) any {
	if v, ok := m[k]; ok {
		return v
	}
	return absent
}

// value compares one described value with what the request sends in its place.
func (c comparer) value(path string, desc, req any) {
	if rule, ok := c.adjusted[path]; ok && req == absent {
		c.add(Entry{Path: path, Before: jsonText(desc), Kind: Adjusted, Note: "rule " + rule + ": " + ruleByID(rule).Update})
		return
	}
	if d, ok := desc.(map[string]any); ok {
		r, _ := req.(map[string]any)
		if req != absent && r == nil {
			c.leaf(path, desc, req)
			return
		}
		for _, k := range sortedKeys(d) {
			c.value(path+"."+k, d[k], lookup(r, k))
		}
		for _, k := range sortedKeys(r) {
			if _, ok := d[k]; !ok {
				c.value(path+"."+k, absent, r[k])
			}
		}
		return
	}
	if d, ok := desc.([]any); ok {
		if r, ok := req.([]any); ok && len(r) == len(d) {
			for i := range d {
				c.value(fmt.Sprintf("%s[%d]", path, i), d[i], r[i])
			}
			return
		}
	}
	c.leaf(path, desc, req)
}

// changeable are the settings the update changes on purpose.
func changeable(path string) bool {
	return path == "LambdaConfig.CustomMessage" || path == tagPath(TagFunction) || path == tagPath(TagPrevious) ||
		path == tagPath(TagApplied) || path == tagPath(TagOwner)
}

func (c comparer) leaf(path string, desc, req any) {
	switch {
	case desc == absent || desc == nil:
		switch {
		case req == absent || req == nil || isEmpty(req):
			// Nothing described, nothing (or an empty object) sent.
		case c.changeable(path):
			c.add(Entry{Path: path, After: jsonText(req), Kind: Changed})
		default:
			c.add(Entry{Path: path, After: jsonText(req), Kind: Refused, Note: "added by the update, not described"})
		}
	case req == absent:
		switch {
		case c.changeable(path):
			c.add(Entry{Path: path, Before: jsonText(desc), Kind: Changed})
		case desc == false || desc == "" || isEmpty(desc):
			// The SDK leaves false and empty values out; Cognito's default for a missing one is the same.
			c.add(Entry{Path: path, Before: jsonText(desc), Kind: Kept})
		case isZeroNumber(desc):
			c.add(Entry{Path: path, Before: jsonText(desc), Kind: Refused, Note: "the SDK cannot send 0 here, and Cognito would apply its default"})
		default:
			c.add(Entry{Path: path, Before: jsonText(desc), Kind: Refused, Note: "not carried: the update would reset it"})
		}
	case sameJSON(desc, req):
		c.add(Entry{Path: path, Before: jsonText(desc), After: jsonText(req), Kind: Kept})
	case c.changeable(path):
		c.add(Entry{Path: path, Before: jsonText(desc), After: jsonText(req), Kind: Changed})
	default:
		c.add(Entry{Path: path, Before: jsonText(desc), After: jsonText(req), Kind: Refused, Note: "altered by the update"})
	}
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

func isZeroNumber(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	f, err := n.Float64()
	return err == nil && f == 0
}

// sameJSON compares two decoded JSON values, numbers by value.
func sameJSON(a, b any) bool {
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func normalize(v any) any {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return t.String()
		}
		return f
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = normalize(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = normalize(e)
		}
		return s
	}
	return v
}

func jsonText(v any) string {
	if v == absent {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}
