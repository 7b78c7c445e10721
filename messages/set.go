package messages

import (
	"fmt"
	"sort"
	"strings"
)

// Data is what fills a message set: Cognito's placeholders, written verbatim; the user's display
// name and the product name, already sanitized.
type Data struct {
	Code     string // the code placeholder, "{####}"; the temporary password for AdminCreateUser
	Username string // the username placeholder, "{username}"; only for AdminCreateUser
	Link     string // the link placeholder, "{##Click Here##}", when Cognito sends one
	Name     string // the user's display name, possibly empty
	AppName  string // the product name
}

// Variant says which optional values are present. Templates may test a value for emptiness
// ({{if .Name}}), so each combination they test compiles to its own set.
type Variant struct {
	Name, Link, Username bool
}

// VariantOf returns the variant data belongs to.
func VariantOf(d Data) Variant {
	return Variant{Name: d.Name != "", Link: d.Link != "", Username: d.Username != ""}
}

// Slot is a place in a compiled part where a value of Data goes.
type Slot uint8

// The slots; Literal marks a segment of fixed text.
const (
	Literal Slot = iota
	SlotCode
	SlotUsername
	SlotLink
	SlotName
	SlotAppName
)

// Segment is fixed text or a slot.
type Segment struct {
	Text string
	Slot Slot
}

// Set is one compiled message set: the three parts as segments. The email is in chunks — the
// layout's head, the body, the footer, the layout's tail — which the generated table shares between
// the sets (and brands) that have them in common, so each distinct chunk is stored once.
type Set struct {
	Subject []Segment
	Email   []uint16 // the email's chunks, as indexes into *Chunks
	SMS     []Segment
	Chunks  *[]Chunk
}

// Chunk is a run of segments one or more sets share. The generated tables refer to chunks by index
// into one pool rather than by variable: a composite literal naming another variable is filled in
// by code at start, one of constants is laid out as static data.
type Chunk []Segment

// Entry is one compiled set in the generated table.
type Entry struct {
	Locale, Source string
	// Tested lists the values the templates test for emptiness; Variant is only about those.
	Tested, Variant Variant
	Set             Set
	// NameAttributes are the locale's display-name attributes; nil means DefaultNameAttributes.
	NameAttributes []string
	// Aliases are codes clients send for the locale that are not its tag ("kr" for ko).
	Aliases []string
}

// htmlEscaper is html/template's escaping for text, RCDATA and quoted attribute values, the only
// contexts the generator lets a name or product name stand in (it proves so with a probe).
var htmlEscaper = strings.NewReplacer(`"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// Render fills the slots. The placeholders must be valid (ValidPlaceholder) and Name and AppName
// sanitized (Sanitize); the HTML email gets them HTML-escaped.
func (s *Set) Render(d Data) Message {
	// The subject and SMS are trimmed as the template render trims them: an empty value at an edge
	// can leave white space there.
	return Message{
		Subject: strings.TrimSpace(fill([]Chunk{s.Subject}, zeroRef, d.Name, d.AppName, d)),
		Email:   fill(*s.Chunks, s.Email, htmlEscape(d.Name), htmlEscape(d.AppName), d),
		SMS:     strings.TrimSpace(fill([]Chunk{s.SMS}, zeroRef, d.Name, d.AppName, d)),
	}
}

func htmlEscape(s string) string {
	if !strings.ContainsAny(s, `"&'+<>`) {
		return s
	}
	return htmlEscaper.Replace(s)
}

// zeroRef refers to the first chunk: the subject's or SMS's one.
var zeroRef = []uint16{0}

// fill concatenates chunks of segments with the values in their slots: one allocation, sized first.
func fill(chunks []Chunk, refs []uint16, name, app string, d Data) string {
	value := func(sg Segment) string {
		switch sg.Slot {
		case Literal:
			return sg.Text
		case SlotCode:
			return d.Code
		case SlotUsername:
			return d.Username
		case SlotLink:
			return d.Link
		case SlotName:
			return name
		case SlotAppName:
			return app
		}
		return ""
	}
	n := 0
	for _, r := range refs {
		for _, sg := range chunks[r] {
			n += len(value(sg))
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, r := range refs {
		for _, sg := range chunks[r] {
			b.WriteString(value(sg))
		}
	}
	return b.String()
}

// Sources are the trigger sources there is wording for: the part of Cognito's triggerSource after
// "CustomMessage_".
var Sources = []string{
	"SignUp",
	"ResendCode",
	"ForgotPassword",
	"UpdateUserAttribute",
	"VerifyUserAttribute",
	"AdminCreateUser",
	"Authentication",
}

// HasSource reports whether source is one of Sources.
func HasSource(source string) bool {
	for _, s := range Sources {
		if s == source {
			return true
		}
	}
	return false
}

// Table is a sorted list of compiled sets: the generated one, or one a test builds.
type Table []Entry

// Compiled is the table generated from templates/ (sets_gen.go): the default brand.
func Compiled() Table { return generated }

// Brand is one brand compiled into the binary from a brands folder (see templates.Brand): its own
// product name and client IDs, and a table over its locales with its logo, colours and wording
// compiled in.
type Brand struct {
	Name          string
	AppName       string
	DefaultLocale string   // "" when brand.json sets none
	ClientIDs     []string // the app clients brand.json maps to it
	Sender        Sender   // the custom sender's identity; empty fields: the deployment's defaults
	Table         Table
}

// Sender is a brand's identity in custom-sender mode (brand.json's fromEmail, fromName, replyTo,
// sesConfigurationSet, smsSenderId); the CustomMessage trigger does not use it.
type Sender struct {
	FromEmail, FromName, ReplyTo, SESConfigurationSet, SMSSenderID string
}

// DefaultBrandName names the default brand (templates/ and APP_NAME) in the log; no brand folder may
// take it, or its mail would be logged as the default's and its clients could never reach it.
const DefaultBrandName = "default"

// Brands are the brands compiled in (brands_gen.go, built with -tags brands from BRANDS_DIR), sorted
// by name; none otherwise.
func Brands() []Brand { return generatedBrands }

// Locales returns the locales the table has, sorted.
func (t Table) Locales() []string {
	var out []string
	for _, e := range t {
		if len(out) == 0 || out[len(out)-1] != e.Locale {
			out = append(out, e.Locale)
		}
	}
	return out
}

// Aliases maps each locale's aliases to the locale.
func (t Table) Aliases() map[string]string {
	var m map[string]string
	for i, e := range t {
		if len(e.Aliases) == 0 || i > 0 && t[i-1].Locale == e.Locale {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		for _, a := range e.Aliases {
			m[a] = e.Locale
		}
	}
	return m
}

// NameAttributes returns the user attributes locale takes a display name from, in order.
func (t Table) NameAttributes(locale string) []string {
	i := sort.Search(len(t), func(i int) bool { return t[i].Locale >= locale })
	if i < len(t) && t[i].Locale == locale && t[i].NameAttributes != nil {
		return t[i].NameAttributes
	}
	return DefaultNameAttributes
}

// Render renders locale's message set for source with d. It does not check Cognito's rules.
func (t Table) Render(locale, source string, d Data) (Message, error) {
	s, ok := t.Lookup(locale, source, VariantOf(d))
	if !ok {
		return Message{}, fmt.Errorf("messages: no compiled set for %s/%s", locale, source)
	}
	return s.Render(d), nil
}

// Lookup returns the set for a locale, source and variant.
func (t Table) Lookup(locale, source string, v Variant) (*Set, bool) {
	i := sort.Search(len(t), func(i int) bool {
		e := &t[i]
		return e.Locale > locale || (e.Locale == locale && e.Source >= source)
	})
	for ; i < len(t) && t[i].Locale == locale && t[i].Source == source; i++ {
		e := &t[i]
		m := Variant{Name: v.Name && e.Tested.Name, Link: v.Link && e.Tested.Link, Username: v.Username && e.Tested.Username}
		if m == e.Variant {
			return &e.Set, true
		}
	}
	return nil, false
}
