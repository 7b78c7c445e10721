package templates

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"text/template/parse"

	"cognito-custom-message/messages"
)

// Compiling: the runtime (package messages) never executes a template. For each locale, source
// and variant, Compile renders the templates once with stand-ins (sentinels) for the per-user values
// and the product name and cuts the result into literal text and slots. That equals a real render
// when the templates only print those values or test them for emptiness (simpleUse checks the parse
// trees) and print them where html/template's escaping is the plain HTML escape (a probe render with
// every special character checks that).

// ErrNotCompilable means the templates use a per-user value in a way Compile cannot stand in for
// (in a function call, a comparison, a with/range, or a context html/template escapes differently).
var ErrNotCompilable = errors.New("templates: not compilable")

// Compile renders locale's templates for source once, for one variant, into a message set.
func (c *Catalog) Compile(locale, source string, v messages.Variant) (*messages.Set, error) {
	s, err := c.load(locale, source)
	if err != nil {
		return nil, err
	}
	if !s.simple {
		return nil, fmt.Errorf("%w: %s/%s uses a per-user value beyond printing it or testing it with {{if}}", ErrNotCompilable, locale, source)
	}
	// A value the templates test gets its stand-in only in the variants where it is present; one
	// they only print always gets it (absent, its slot is filled with "", as printing "" would be).
	v = present(s.tested, v)
	d := messages.Data{Code: sentinelCode, AppName: sentinelApp}
	if v.Name {
		d.Name = sentinelName
	}
	if v.Link {
		d.Link = sentinelLink
	}
	if v.Username {
		d.Username = sentinelUsername
	}
	vw := s.view(locale, d)
	vw.Cut = true
	var set messages.Set
	var buf bytes.Buffer
	for _, part := range []struct {
		exec func(*bytes.Buffer, any) error
		dst  *[]messages.Segment
	}{
		{func(b *bytes.Buffer, d any) error { return s.subject.Execute(b, d) }, &set.Subject},
		{func(b *bytes.Buffer, d any) error { return s.sms.Execute(b, d) }, &set.SMS},
	} {
		buf.Reset()
		if err := part.exec(&buf, &vw); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		*part.dst = split(buf.String())
	}
	set.Subject = trim(set.Subject)
	set.SMS = trim(set.SMS)
	buf.Reset()
	if err := s.email.Execute(&buf, &vw); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	// The email in the chunks the layout's cuts delimit: head, body, footer, tail.
	var chunks []messages.Chunk
	for piece := range strings.SplitSeq(buf.String(), sentinelCut) {
		if piece != "" {
			set.Email = append(set.Email, uint16(len(chunks)))
			chunks = append(chunks, split(piece))
		}
	}
	text := HTMLText(strings.ReplaceAll(buf.String(), sentinelCut, ""))
	if s.text != nil {
		buf.Reset()
		if err := s.text.Execute(&buf, &vw); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		text = buf.String()
	}
	// Paragraph by paragraph: the variants of a source differ in one or two, the sources of a
	// locale share the footer, and the generated table stores each distinct chunk once.
	for para := range strings.SplitAfterSeq(strings.TrimSpace(text), "\n\n") {
		set.Text = append(set.Text, uint16(len(chunks)))
		chunks = append(chunks, split(para))
	}
	set.Chunks = &chunks

	for _, probe := range probes(s.tested, v) {
		want, err := c.Render(locale, source, probe)
		if err != nil {
			return nil, err
		}
		if got := set.Render(probe); got != want {
			return nil, fmt.Errorf("%w: %s/%s renders differently when compiled (a value in a URL, script, style or unquoted attribute?)", ErrNotCompilable, locale, source)
		}
	}
	return &set, nil
}

// present turns a variant into the values to stand in for: tested values as the variant says,
// untested ones always.
func present(tested, v messages.Variant) messages.Variant {
	return messages.Variant{
		Name:     v.Name || !tested.Name,
		Link:     v.Link || !tested.Link,
		Username: v.Username || !tested.Username,
	}
}

// probes are data sets that need every escape html/template applies to text and attribute values,
// with the untested values present in the first and absent in the second.
func probes(tested, v messages.Variant) []messages.Data {
	var out []messages.Data
	for i, p := range []struct{ name, app string }{
		{`<b class="x">Zoë & 'Al' + Bob</b>`, `A&B <Co> "Ltd" 'x'+`},
		{"Lena", "Example"},
	} {
		on := v
		if i == 1 {
			on = messages.Variant{Name: v.Name && tested.Name, Link: v.Link && tested.Link, Username: v.Username && tested.Username}
		}
		d := messages.Data{Code: "{####}", AppName: p.app, WantText: true}
		if on.Name {
			d.Name = p.name
		}
		if on.Link {
			d.Link = "{##Click Here##}"
		}
		if on.Username {
			d.Username = "{username}"
		}
		out = append(out, d)
	}
	return out
}

var sentinels = []struct {
	text string
	slot messages.Slot
}{
	{sentinelCode, messages.SlotCode}, {sentinelUsername, messages.SlotUsername}, {sentinelLink, messages.SlotLink},
	{sentinelName, messages.SlotName}, {sentinelApp, messages.SlotAppName},
}

// split cuts rendered text at the sentinels.
func split(s string) []messages.Segment {
	var out []messages.Segment
	for s != "" {
		at, which := -1, 0
		for i, sn := range sentinels {
			if j := strings.Index(s, sn.text); j >= 0 && (at < 0 || j < at) {
				at, which = j, i
			}
		}
		if at < 0 {
			out = append(out, messages.Segment{Text: s})
			break
		}
		if at > 0 {
			out = append(out, messages.Segment{Text: s[:at]})
		}
		out = append(out, messages.Segment{Slot: sentinels[which].slot})
		s = s[at+len(sentinels[which].text):]
	}
	return out
}

// trim drops the white space around a part, as Render does for the subject and SMS.
func trim(segs []messages.Segment) []messages.Segment {
	if len(segs) > 0 && segs[0].Slot == messages.Literal {
		segs[0].Text = strings.TrimLeft(segs[0].Text, " \t\r\n")
		if segs[0].Text == "" {
			segs = segs[1:]
		}
	}
	if n := len(segs); n > 0 && segs[n-1].Slot == messages.Literal {
		segs[n-1].Text = strings.TrimRight(segs[n-1].Text, " \t\r\n")
		if segs[n-1].Text == "" {
			segs = segs[:n-1]
		}
	}
	return segs
}

// Tested returns which optional values locale's templates for source test with {{if}}.
func (c *Catalog) Tested(locale, source string) (messages.Variant, error) {
	s, err := c.load(locale, source)
	if err != nil {
		return messages.Variant{}, err
	}
	return s.tested, nil
}

// Table compiles every locale, source and tested variant, sorted as messages.Table.Lookup needs.
func (c *Catalog) Table() (messages.Table, error) {
	if errs := c.CheckAliases(); len(errs) > 0 {
		return nil, fmt.Errorf("templates: %s", strings.Join(errs, "; "))
	}
	var t messages.Table
	for _, loc := range c.locales {
		cfg, err := c.LocaleConfig(loc)
		if err != nil {
			return nil, err
		}
		names := cfg.NameAttributes
		if slices.Equal(names, messages.DefaultNameAttributes) {
			names = nil
		}
		for _, src := range Sources {
			tested, err := c.Tested(loc, src)
			if err != nil {
				return nil, err
			}
			for _, v := range variants(tested) {
				set, err := c.Compile(loc, src, v)
				if err != nil {
					return nil, err
				}
				t = append(t, messages.Entry{Locale: loc, Source: src, Tested: tested, Variant: v, Set: *set, NameAttributes: names, Aliases: cfg.Aliases})
			}
		}
	}
	sort.SliceStable(t, func(i, j int) bool {
		if t[i].Locale != t[j].Locale {
			return t[i].Locale < t[j].Locale
		}
		return t[i].Source < t[j].Source
	})
	return t, nil
}

// variants lists every combination of the tested values.
func variants(tested messages.Variant) []messages.Variant {
	out := []messages.Variant{{}}
	for _, f := range []struct {
		on  bool
		set func(*messages.Variant)
	}{
		{tested.Name, func(v *messages.Variant) { v.Name = true }},
		{tested.Link, func(v *messages.Variant) { v.Link = true }},
		{tested.Username, func(v *messages.Variant) { v.Username = true }},
	} {
		if !f.on {
			continue
		}
		for _, v := range out {
			f.set(&v)
			out = append(out, v)
		}
	}
	return out
}

// dynamic are the fields that change from one user to the next; every other field of the view is
// fixed for a compiled set.
var dynamic = map[string]bool{"Code": true, "Username": true, "Link": true, "Name": true, "AppName": true}

// testedFields collects the fields the trees test with a plain {{if .Field}}.
func testedFields(trees ...*parse.Tree) messages.Variant {
	var v messages.Variant
	var walk func(l *parse.ListNode)
	walk = func(l *parse.ListNode) {
		if l == nil {
			return
		}
		for _, n := range l.Nodes {
			switch n := n.(type) {
			case *parse.IfNode:
				if plainField(n.Pipe) {
					switch n.Pipe.Cmds[0].Args[0].(*parse.FieldNode).Ident[0] {
					case "Name":
						v.Name = true
					case "Link":
						v.Link = true
					case "Username":
						v.Username = true
					}
				}
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.List)
				walk(n.ElseList)
			case *parse.ListNode:
				walk(n)
			}
		}
	}
	for _, t := range trees {
		if t != nil {
			walk(t.Root)
		}
	}
	return v
}

// simpleUse reports whether every template uses the per-user fields only as {{.Field}} (printed) or
// {{if .Field}} (tested for emptiness), and never prints the whole data ({{.}}, {{printf "%v" .}}).
// Under that rule, rendering with stand-ins and filling them in afterwards equals a real render,
// given the escaping context, which Compile's probe checks.
func simpleUse(trees ...*parse.Tree) bool {
	for _, t := range trees {
		if t != nil && !simpleList(t.Root, false) {
			return false
		}
	}
	return true
}

func simpleList(l *parse.ListNode, dotMoved bool) bool {
	if l == nil {
		return true
	}
	for _, n := range l.Nodes {
		if !simpleNode(n, dotMoved) {
			return false
		}
	}
	return true
}

func simpleNode(n parse.Node, dotMoved bool) bool {
	switch n := n.(type) {
	case *parse.ActionNode:
		return plainField(n.Pipe) || !mentionsDynamic(n.Pipe, dotMoved)
	case *parse.IfNode:
		return (plainField(n.Pipe) || !mentionsDynamic(n.Pipe, dotMoved)) &&
			simpleList(n.List, dotMoved) && simpleList(n.ElseList, dotMoved)
	case *parse.WithNode:
		return !mentionsDynamic(n.Pipe, dotMoved) && simpleList(n.List, true) && simpleList(n.ElseList, dotMoved)
	case *parse.RangeNode:
		return !mentionsDynamic(n.Pipe, dotMoved) && simpleList(n.List, true) && simpleList(n.ElseList, dotMoved)
	case *parse.TemplateNode:
		// {{template "x" .}} hands on the whole data; "x" is walked on its own.
		if n.Pipe == nil || (len(n.Pipe.Cmds) == 1 && len(n.Pipe.Cmds[0].Args) == 1 && isDot(n.Pipe.Cmds[0].Args[0])) {
			return !dotMoved || n.Pipe == nil
		}
		return !mentionsDynamic(n.Pipe, dotMoved)
	case *parse.ListNode:
		return simpleList(n, dotMoved)
	}
	return true // text, comments, break/continue
}

// plainField is a pipeline that is exactly one per-user field: {{.Name}}.
func plainField(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1 && dynamic[f.Ident[0]]
}

func isDot(n parse.Node) bool { _, ok := n.(*parse.DotNode); return ok }

// mentionsDynamic reports whether a pipeline reads a per-user field, or the root data as a whole.
func mentionsDynamic(p *parse.PipeNode, dotMoved bool) bool {
	if p == nil {
		return false
	}
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			if argDynamic(a, dotMoved) {
				return true
			}
		}
	}
	return false
}

func argDynamic(a parse.Node, dotMoved bool) bool {
	switch a := a.(type) {
	case *parse.FieldNode:
		return !dotMoved && dynamic[a.Ident[0]]
	case *parse.VariableNode:
		return a.Ident[0] == "$" && (len(a.Ident) == 1 || dynamic[a.Ident[1]])
	case *parse.DotNode:
		return !dotMoved
	case *parse.ChainNode:
		return argDynamic(a.Node, dotMoved)
	case *parse.PipeNode:
		return mentionsDynamic(a, dotMoved)
	}
	return false
}
