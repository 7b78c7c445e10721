package main

import (
	"strings"
	"testing"

	"cognito-custom-message/messages"
)

func TestPlainText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"paragraphs", "<p>Hallo,</p><p>geben Sie\n   den Code ein:</p>", "Hallo,\n\ngeben Sie den Code ein:"},
		{"line break", "one<br>two<br/>three", "one\ntwo\nthree"},
		{"rows and cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"link with text", `<p>Help: <a href="https://example.com/help?a=1&amp;b=2" style="x">our page</a>.</p>`, "Help: our page <https://example.com/help?a=1&b=2>."},
		{"link that is its address", `<a href="https://example.com/">https://example.com/</a>`, "https://example.com/"},
		{"mailto link", `<a href="mailto:help@example.com">help@example.com</a>`, "help@example.com"},
		{"link without text", `<a href="https://example.com/"><img src="x.png"></a>`, "<https://example.com/>"},
		{"entities", "<p>Caf&eacute; &amp; co&nbsp;: &lt;b&gt; &#8217; &#x263A;</p>", "Café & co\u00a0: <b> \u2019 \u263a"},
		{"no tags from decoded text", "<p>&lt;script&gt;x&lt;/script&gt;</p>", "<script>x</script>"},
		{"head, style and comments dropped", "<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body><!-- c > d --><p>text</p></body></html>", "text"},
		{"script dropped", `<p>a</p><script>if (a < b) { x = "</p>" }</script><p>b</p>`, "a\n\nb"},
		{"image alt", `<p><img src="l.png" alt="Acme">Hello</p>`, "Acme Hello"},
		{"list", "<ul><li>one</li><li>two</li></ul>", "- one\n- two"},
		{"attribute with >", `<p title="a>b">x</p>`, "x"},
		{"bare less-than", "<p>1 < 2</p>", "1 < 2"},
		{"inline elements", "<p><b>bold</b> and <span dir=\"ltr\">{####}</span>.</p>", "bold and {####}."},
		{"raw text with non-ASCII case", "<STYLE>İİİİ p{}</Style><p>after</p>", "after"},
		{"end tag that only starts like it", "<style>a</styles>b</style>c", "c"},
		{"unterminated comment", "<p>a</p><!-- b", "a"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := PlainText(c.in); got != c.want {
				t.Errorf("PlainText(%q)\ngot:  %q\nwant: %q", c.in, got, c.want)
			}
		})
	}
}

// TestPlainTextOfShippedEmails renders every shipped locale's email for every source and checks that
// its plain text keeps the code, the username placeholder where there is one and the product name,
// and has no markup left.
func TestPlainTextOfShippedEmails(t *testing.T) {
	table := messages.Compiled()
	locales := table.Locales()
	if len(locales) < 10 {
		t.Fatalf("only %d shipped locales: %v", len(locales), locales)
	}
	for _, loc := range locales {
		for _, src := range messages.Sources {
			d := messages.Data{Code: "{####}", AppName: "Example", Name: "Lena"}
			if src == "AdminCreateUser" {
				d.Username = "{username}"
			}
			if src == "SignUp" {
				d.Link = "{##Click Here##}"
			}
			msg, err := table.Render(loc, src, d)
			if err != nil {
				t.Errorf("%s/%s: %v", loc, src, err)
				continue
			}
			text := PlainText(msg.Email)
			for _, want := range []string{"{####}", "Example"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s/%s: plain text lacks %q:\n%s", loc, src, want, text)
				}
			}
			if d.Username != "" && !strings.Contains(text, "{username}") {
				t.Errorf("%s/%s: plain text lacks {username}:\n%s", loc, src, text)
			}
			if strings.ContainsAny(text, "<>") || strings.Contains(text, "style=") || strings.Contains(text, "&nbsp;") {
				t.Errorf("%s/%s: markup left in the plain text:\n%s", loc, src, text)
			}
			if strings.Contains(text, "\n\n\n") {
				t.Errorf("%s/%s: more than one blank line in a row:\n%s", loc, src, text)
			}
		}
	}
}

// FuzzPlainText checks that no input makes PlainText panic (`go test -fuzz FuzzPlainText`).
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "<style>İİİ</STYLE>x", "<a href='x'>y</a>", "<!-- x", "<p title=\"a", "<script>İ</script", "&amp;&lt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = PlainText(s)
	})
}
