// Package atomail renders the account-takeover notification (CustomEmailSender_AccountTakeOverNotification)
// with html/template: templates/<locale>/AccountTakeOverNotification.subject.txt and .email.html
// inside layout.html with the locale's footer.html, plus an optional .email.txt.
//
// It runs at build time only. Compile turns each locale's escaped parse trees into the programs
// package atoprog runs in the sender (`make generate` writes them to delivery/ato_gen.go), because
// linking text/template into the sender would keep every exported method of every reachable type
// (+10 MB). The Renderer stays as the reference the compiled programs are proven equal to
// (TestATOCompiledEqualsHTMLTemplate in package templates) and as what the lint renders through.
package atomail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"

	"cognito-custom-message/internal/atoprog"
	"cognito-custom-message/internal/htmltext"
	"cognito-custom-message/messages"
)

// Source is the trigger source name, without "CustomEmailSender_", and the files' prefix.
const Source = atoprog.Source

// File names inside a locale folder.
const (
	SubjectFile = Source + ".subject.txt"
	EmailFile   = Source + ".email.html"
	TextFile    = Source + ".email.txt" // optional: replaces the text made from the HTML
)

// Actions, as the templates test them (.Action). Anything else gets the neutral wording.
const (
	ActionBlocked    = atoprog.ActionBlocked
	ActionChallenged = atoprog.ActionChallenged
	ActionNeutral    = atoprog.ActionNeutral
)

// Defines are the two templates the bodies call: "detail" isolates one detail value (a Latin IP or
// device in a right-to-left mail, an Arabic city in a left-to-right one) and "link" renders
// .Anchor's value. They live here, not in layout.html, because only this mail uses them and the
// translators' checker (notes/atocheck) stubs them with exactly this text.
const Defines = `{{define "detail"}}<bdi>{{.}}</bdi>{{end}}{{define "link"}}<a href="{{.URL}}" style="color:#2563eb;">{{.Label}}</a>{{end}}`

// The data types are the run-time package's: the sender renders with atoprog, and this package's
// Renderer (html/template, for the lint and the equivalence test) sees exactly the same values.
type (
	// Brand is what the layout and footer see as .Brand.
	Brand = atoprog.Brand
	// Data is the data contract of the ATO templates.
	Data = atoprog.Data
	// Link is what {{template "link" (.Anchor url label)}} renders.
	Link = atoprog.Link
	// Message is one rendered mail.
	Message = atoprog.Message
)

// view is Data plus what the layout needs about the locale and the brand.
type view struct {
	Data
	Lang, Dir, Align string
	Brand            Brand
}

// Locale is one locale's files, as read from the template tree.
type Locale struct {
	Lang        string // the locale's tag, for lang= and Content-Language
	Dir         string // "ltr" or "rtl"
	Subject     string
	Email       string
	Footer      string
	Text        string // the optional .email.txt; "" to make the text from the HTML
	TextPresent bool
}

// Tree is one brand's (or the shipped tree's) layout and the locales that have the ATO files.
type Tree struct {
	Layout  string
	Brand   Brand
	Locales map[string]Locale
}

// Renderer renders a Tree, parsing each locale the first time it is asked for. Safe for concurrent
// use.
type Renderer struct {
	tree Tree
	mu   sync.Mutex
	sets map[string]*parsed
}

type parsed struct {
	once    sync.Once
	subject *texttemplate.Template
	email   *htmltemplate.Template
	text    *texttemplate.Template
	err     error
}

// NewRenderer parses nothing: a cold start that sends only codes pays nothing for this mail.
func NewRenderer(t Tree) *Renderer { return &Renderer{tree: t, sets: map[string]*parsed{}} }

// Has reports whether locale has the ATO files.
func (r *Renderer) Has(locale string) bool { _, ok := r.tree.Locales[locale]; return ok }

// Render renders locale's mail with d.
func (r *Renderer) Render(locale string, d Data) (Message, error) {
	loc, ok := r.tree.Locales[locale]
	if !ok {
		return Message{}, fmt.Errorf("atomail: locale %q has no %s files", locale, Source)
	}
	r.mu.Lock()
	p := r.sets[locale]
	if p == nil {
		p = &parsed{}
		r.sets[locale] = p
	}
	r.mu.Unlock()
	p.once.Do(func() { p.err = p.parse(r.tree.Layout, locale, loc) })
	if p.err != nil {
		return Message{}, p.err
	}
	v := view{Data: d, Lang: loc.Lang, Dir: loc.Dir, Align: "left", Brand: r.tree.Brand}
	if loc.Dir == "rtl" {
		v.Align = "right"
	}
	var m Message
	var buf bytes.Buffer
	if err := p.subject.Execute(&buf, &v); err != nil {
		return Message{}, fmt.Errorf("atomail: %w", err)
	}
	m.Subject = strings.TrimSpace(buf.String())
	buf.Reset()
	if err := p.email.Execute(&buf, &v); err != nil {
		return Message{}, fmt.Errorf("atomail: %w", err)
	}
	m.HTML = buf.String()
	if p.text != nil {
		buf.Reset()
		if err := p.text.Execute(&buf, &v); err != nil {
			return Message{}, fmt.Errorf("atomail: %w", err)
		}
		m.Text = messages.TidyText(buf.String())
	} else {
		// The build's own conversion: it decodes what html/template escaped, so the text shows the
		// values as vetted, and drops the bidi isolation <bdi> gives the HTML.
		m.Text = htmltext.Convert(m.HTML)
	}
	return m, nil
}

func (p *parsed) parse(layout, locale string, loc Locale) error {
	var err error
	name := func(file string) string { return locale + "/" + file }
	if p.subject, err = texttemplate.New(name(SubjectFile)).Option("missingkey=error").Parse(loc.Subject); err != nil {
		return fmt.Errorf("atomail: %w", err)
	}
	if loc.TextPresent {
		if p.text, err = texttemplate.New(name(TextFile)).Option("missingkey=error").Parse(loc.Text); err != nil {
			return fmt.Errorf("atomail: %w", err)
		}
	}
	email, err := htmltemplate.New("layout.html").Option("missingkey=error").Parse(layout)
	if err != nil {
		return fmt.Errorf("atomail: %w", err)
	}
	if _, err := email.Parse(Defines); err != nil {
		return fmt.Errorf("atomail: defines: %w", err)
	}
	for _, f := range []struct{ define, file, src string }{{"footer", "footer.html", loc.Footer}, {"content", EmailFile, loc.Email}} {
		// Parsed under its own path, so that parse and execution errors name the file to fix; the
		// layout calls it by the define's name.
		if _, err := email.New(name(f.file)).Parse(f.src); err != nil {
			return fmt.Errorf("atomail: %w", err)
		}
		if _, err := email.Parse(fmt.Sprintf("{{define %q}}{{template %q .}}{{end}}", f.define, name(f.file))); err != nil {
			return fmt.Errorf("atomail: %s: %w", name(f.file), err)
		}
	}
	p.email = email
	return nil
}
