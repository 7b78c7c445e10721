package atoprog

import (
	htmltemplate "html/template"
	"strings"
	"testing"
)

// escapeInputs are values chosen to hit every branch of the escapers: the replaced characters,
// NUL, invalid UTF-8, non-ASCII, schemes allowed and not, %-escapes valid, invalid and cut short,
// CSS escapes (hex with and without their space, CRLF, too large, a lone backslash) and the words
// the CSS filter refuses.
var escapeInputs = []string{
	"", "plain", `<b>"q" & 'a' + z</b>`, "nul\x00byte", "bad \xff\xfe utf-8", "שלום عربي \u202e", "\ufdd0\uffff",
	"https://a.example/p?q=1&r='2'#f", "HTTP://A.example", "MailTo:x@y.example", "javascript:alert(1)", "data:text/html,x",
	"/rel/a:b", "rel:x/y", "a b%20c%zz%4", "%", "%4", "%41", "é(1)`~!*", "[]@$,;=",
	"#0f766e", "red", `\72 ed`, "\\72\r\ned", `\000072`, `\110000x`, `\`, `x\`, `\"`, "a--b", "-a", "expres-sion(", "Expression",
	"-moz-binding", "mozBinding", "url(x)", "1px/2", "12", "\\3c script",
}

// TestEscapersMatchHTMLTemplate: each escaper chain html/template inserts in these templates gives
// the bytes html/template gives, for every input.
func TestEscapersMatchHTMLTemplate(t *testing.T) {
	for _, c := range []struct {
		prefix, suffix string
		chain          []Escaper
	}{
		{"<p>", "</p>", []Escaper{EscHTML}},
		{"<title>", "</title>", []Escaper{EscRCDATA}},
		{`<p title="`, `">`, []Escaper{EscAttr}},
		{`<a href="`, `">`, []Escaper{EscURLFilter, EscURLNorm, EscAttr}},
		{`<a href="mailto:`, `">`, []Escaper{EscURLNorm, EscAttr}},
		{`<p style="color:`, `">`, []Escaper{EscCSSValue, EscAttr}},
	} {
		tmpl := htmltemplate.Must(htmltemplate.New("x").Parse(c.prefix + "{{.}}" + c.suffix))
		for _, in := range escapeInputs {
			var b strings.Builder
			if err := tmpl.Execute(&b, in); err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSuffix(strings.TrimPrefix(b.String(), c.prefix), c.suffix)
			got := in
			for _, e := range c.chain {
				var err error
				if got, err = e.apply(got); err != nil {
					t.Fatal(err)
				}
			}
			if got != want {
				t.Errorf("%s{{.}}%s with %q: got %q; want %q", c.prefix, c.suffix, in, got, want)
			}
		}
	}
}
