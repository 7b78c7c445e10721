package templates

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"cognito-custom-message/messages"
)

var update = flag.Bool("update", false, "rewrite the golden plain-text parts in messages/testdata/golden-text")

func TestHTMLText(t *testing.T) {
	for _, c := range []struct{ name, html, want string }{
		{"head, style and script dropped",
			`<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style></head><body><script>x()</script><p>Hi</p></body></html>`,
			"Hi"},
		{"paragraphs are blank-line apart, divs a line",
			"<p>One</p>\n\n\n<p>Two</p><div>Three</div><div>Four</div>",
			"One\n\nTwo\n\nThree\nFour"},
		{"br is a line break, two a blank line, more no more",
			"a<br>b<br><br>c<br><br><br><br>d",
			"a\nb\n\nc\n\nd"},
		{"white space collapses as in a browser",
			"<p>  Enter\n\t this   <b>code</b> :</p>",
			"Enter this code :"},
		{"list items",
			"<ul><li>one</li><li> two </li></ul><p>after</p>",
			"- one\n- two\n\nafter"},
		{"link text with its URL when they differ",
			`<p>See <a href="https://example.com/help">our help</a>, <a href="https://example.com">https://example.com</a> or <a href="mailto:s@example.com">s@example.com</a>.</p>`,
			"See our help (https://example.com/help), https://example.com or s@example.com."},
		{"entities decoded, nbsp a space, bidi controls and soft hyphens gone",
			"<p>A &amp; B &lt;c&gt; &#34;d&#34; caf&eacute;&nbsp;! x&lrm;y&#8297;z co&shy;de</p>",
			`A & B <c> "d" café ! xyz code`},
		{"image as its alt text",
			`<td><img src="logo.png" alt="Northwind"></td><td>Body</td>`,
			"Northwind\nBody"},
		{"table rows are paragraphs, cells lines",
			"<table><tr><td>Head</td></tr><tr><td>Body</td><td>More</td></tr></table>",
			"Head\n\nBody\nMore"},
		{"no hard wrapping", "<p>" + strings.Repeat("word ", 40) + "{####}</p>", strings.Repeat("word ", 40) + "{####}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := HTMLText(c.html); got != c.want {
				t.Errorf("got %q; want %q", got, c.want)
			}
		})
	}
}

var (
	tagRe    = regexp.MustCompile(`<[a-zA-Z/!]`)
	entityRe = regexp.MustCompile(`&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`)
)

// textProblems lists what a plain-text part must never have: the placeholders missing from their
// own line, markup, entities, blank-line runs, trailing spaces, and characters Cognito refuses
// (NBSP, bidi controls), which a text part has no reason for either.
func textProblems(src, text string, d messages.Data) []string {
	var out []string
	lines := strings.Split(text, "\n")
	own := func(ph string) bool {
		for _, l := range lines {
			if strings.TrimSpace(l) == ph {
				return true
			}
		}
		return false
	}
	if !own(d.Code) {
		out = append(out, "the code placeholder is not on a line of its own")
	}
	if src == "AdminCreateUser" && !own(d.Username) {
		out = append(out, "the username placeholder is not on a line of its own")
	}
	if tagRe.MatchString(text) {
		out = append(out, "markup left: "+tagRe.FindString(text))
	}
	if entityRe.MatchString(text) {
		out = append(out, "entity left: "+entityRe.FindString(text))
	}
	if strings.Contains(text, "\n\n\n") {
		out = append(out, "a run of blank lines")
	}
	for i, l := range lines {
		if strings.TrimRight(l, " \t") != l {
			out = append(out, fmt.Sprintf("line %d ends in white space", i+1))
		}
	}
	if i := strings.IndexAny(text, "\u00a0\u202f\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad\t\r"); i >= 0 {
		out = append(out, fmt.Sprintf("character %U", []rune(text[i:])[0]))
	}
	return out
}

// TestTextPartEveryLocale renders the plain-text part of every shipped locale × source × value
// combination (from the templates; TestCompiledEqualsRender proves the compiled table renders the
// same) and checks textProblems, that the product name and the user's
// name are there as written (not HTML-escaped), and that the email's words are all in the text.
func TestTextPartEveryLocale(t *testing.T) {
	table := Embedded()
	app := `A&B <Co> "Ltd"`
	for _, loc := range Embedded().Locales() {
		for _, src := range Sources {
			for _, name := range []string{"", "Zoë & 'Al' <x>"} {
				for _, link := range []string{"", "{##Click Here##}"} {
					d := messages.Data{Code: "{####}", Username: "{username}", Link: link, Name: name, AppName: app, WantText: true}
					m, err := table.Render(loc, src, d)
					if err != nil {
						t.Fatal(err)
					}
					where := fmt.Sprintf("%s/%s name=%q link=%q", loc, src, name, link)
					// The hostile values are the only '<' and '&' a text may hold: take them out first.
					clean := strings.ReplaceAll(m.Text, app, "APP")
					if name != "" {
						clean = strings.ReplaceAll(clean, name, "NAME")
					}
					for _, p := range textProblems(src, clean, d) {
						t.Errorf("%s: %s\n%s", where, p, m.Text)
					}
					if !strings.Contains(m.Text, app) {
						t.Errorf("%s: the product name is not in the text as written\n%s", where, m.Text)
					}
					if name != "" && strings.Contains(m.Email, htmlEscape(name)) && !strings.Contains(m.Text, name) {
						t.Errorf("%s: the email has the name, the text not as written\n%s", where, m.Text)
					}
					if link != "" && strings.Contains(m.Email, link) && !strings.Contains(m.Text, link) {
						t.Errorf("%s: the email has the link placeholder, the text not", where)
					}
				}
			}
		}
	}
}

// TestTextGolden pins the plain text of two sources per locale, SignUp with a link and
// AdminCreateUser with a name, in messages/testdata/golden-text/<locale>.txt (templates/ holds only
// locale folders), so a change to the layout, a body or HTMLText shows up in review as a readable
// diff. `make golden` rewrites them.
func TestTextGolden(t *testing.T) {
	for _, loc := range Embedded().Locales() {
		t.Run(loc, func(t *testing.T) {
			var b bytes.Buffer
			for _, c := range []struct {
				src string
				d   messages.Data
			}{
				{"SignUp", messages.Data{Code: "{####}", Link: "{##Click Here##}", AppName: "Example", WantText: true}},
				{"AdminCreateUser", messages.Data{Code: "{####}", Username: "{username}", Name: "Lena", AppName: "Example", WantText: true}},
			} {
				m, err := messages.Compiled().Render(loc, c.src, c.d)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "==== %s: %s\n%s\n\n", c.src, m.Subject, m.Text)
			}
			golden := filepath.Join("..", "messages", "testdata", "golden-text", loc+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `make golden` to create it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("plain text differs from %s (run `make golden` if the change is deliberate)\n%s", golden, lineDiff(got, string(want)))
			}
		})
	}
}

// lineDiff names the first line that differs, with both versions.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\ngot:  %q\nwant: %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}

// TestTextOverride: a locale's <Source>.email.txt replaces the generated text, as a text/template
// (the name unescaped), in the catalog and compiled alike; other sources keep the generated one.
// Brands are catalogs over Overlay(brand folder, templates), the tree built here.
func TestTextOverride(t *testing.T) {
	top := fstest.MapFS{
		"de/SignUp.email.txt": {Data: []byte("Hallo{{if .Name}} {{.Name}}{{end}},\n\n\n\nIhr Code für {{.AppName}}:\n\n{{.Code}}\n")},
	}
	c, err := New(Overlay(top, Files()))
	if err != nil {
		t.Fatal(err)
	}
	table, err := c.Table()
	if err != nil {
		t.Fatal(err)
	}
	d := messages.Data{Code: "{####}", Name: "Zoë & <b>", AppName: "A&B", WantText: true}
	want := "Hallo Zoë & <b>,\n\nIhr Code für A&B:\n\n{####}"
	for what, r := range map[string]interface {
		Render(string, string, messages.Data) (messages.Message, error)
	}{"catalog": c, "compiled": table} {
		m, err := r.Render("de", "SignUp", d)
		if err != nil {
			t.Fatal(err)
		}
		if m.Text != want {
			t.Errorf("%s: got %q; want %q", what, m.Text, want)
		}
		if other, _ := r.Render("de", "ResendCode", d); other.Text != HTMLText(other.Email) {
			t.Errorf("%s: ResendCode lost its generated text: %q", what, other.Text)
		}
	}
}
