package atomail

import (
	"strings"
	"testing"
)

const layout = `<html lang="{{.Lang}}" dir="{{.Dir}}"><td align="{{.Align}}">{{if .Brand.Logo}}<img src="{{.Brand.Logo}}" alt="{{.AppName}}">{{end}}{{template "content" .}}</td><footer>{{template "footer" .}}</footer></html>`

func tree(email string) Tree {
	return Tree{Layout: layout, Locales: map[string]Locale{
		"en": {Lang: "en", Dir: "ltr", Subject: "Sign-in to {{.AppName}}\n", Email: email, Footer: "From {{.AppName}}"},
		"he": {Lang: "he", Dir: "rtl", Subject: "כניסה ל-{{.AppName}}\n", Email: email, Footer: "{{.AppName}}",
			Text: "{{.IP}} / {{.AppName}}\n", TextPresent: true},
	}}
}

// Nothing is parsed until a locale is rendered, and then only that locale.
func TestRendererParsesOnFirstUse(t *testing.T) {
	r := NewRenderer(tree(`<p>{{with .IP}}{{template "detail" .}}{{end}}</p>`))
	if len(r.sets) != 0 {
		t.Fatalf("%d locales parsed before any render", len(r.sets))
	}
	m, err := r.Render("en", Data{AppName: "Acme <Cloud>", IP: "203.0.113.7"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.sets) != 1 || r.sets["en"] == nil {
		t.Errorf("parsed %v; want en only", r.sets)
	}
	if m.Subject != "Sign-in to Acme <Cloud>" || !strings.Contains(m.HTML, "<bdi>203.0.113.7</bdi>") ||
		!strings.Contains(m.HTML, "From Acme &lt;Cloud&gt;") || !strings.Contains(m.Text, "203.0.113.7") {
		t.Errorf("subject %q\nhtml %s\ntext %s", m.Subject, m.HTML, m.Text)
	}
}

// A right-to-left locale gets dir, align and its own text file.
func TestRendererRTLAndOwnText(t *testing.T) {
	r := NewRenderer(tree(`<p>{{template "link" (.Anchor .DenyLink "לא אני")}}</p>`))
	m, err := r.Render("he", Data{AppName: "Acme", IP: "2001:db8::1", DenyLink: "https://a.example/x?t=1&u=2"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.HTML, `<html lang="he" dir="rtl">`) || !strings.Contains(m.HTML, `align="right"`) ||
		!strings.Contains(m.HTML, `<a href="https://a.example/x?t=1&amp;u=2" style="color:#2563eb;">לא אני</a>`) {
		t.Errorf("html %s", m.HTML)
	}
	if m.Text != "2001:db8::1 / Acme" {
		t.Errorf("text %q; want the locale's own", m.Text)
	}
}

// A broken file is an error naming it, and an unknown locale an error, never a panic.
func TestRendererErrors(t *testing.T) {
	r := NewRenderer(tree(`<p>{{if .HasDetails}}</p>`))
	if _, err := r.Render("en", Data{}); err == nil || !strings.Contains(err.Error(), "en/AccountTakeOverNotification.email.html") {
		t.Errorf("got %v; want a parse error naming the file", err)
	}
	if _, err := r.Render("de", Data{}); err == nil || r.Has("de") {
		t.Errorf("de: %v", err)
	}
	r = NewRenderer(tree(`<p>{{.Username}}</p>`))
	if _, err := r.Render("en", Data{}); err == nil || !strings.Contains(err.Error(), "Username") {
		t.Errorf("got %v; want an execution error on the unknown field", err)
	}
}
