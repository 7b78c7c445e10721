package templates

import (
	"fmt"
	"sort"
	"testing"

	"cognito-custom-message/internal/atomail"
	"cognito-custom-message/internal/atoprog"
)

// atoValueSets are the values the equivalence test fills in: ordinary ones, and hostile ones
// (quotes, <, >, &, +, NUL, invalid UTF-8, right-to-left and bidi text, URLs with queries, & and '
// in URLs, %-escapes valid and not, a scheme the URL filter refuses, upper-case schemes).
var atoValueSets = []atomail.Data{
	{AppName: "Example", When: "2 December 2026, 03:04 UTC", Place: "Berlin, Germany", IP: "203.0.113.7",
		Device: "Chrome 131 on macOS", DenyLink: "https://auth.example.com/deny?token=abc123",
		ConfirmLink: "https://auth.example.com/confirm?token=abc123"},
	{AppName: `Acme "Cloud" <b>&'x'</b> + שלום`, When: "2026-12-02 03:04 <script>alert(1)</script>",
		Place: `Zürich, "CH" & 'Co' — القاهرة`, IP: "2001:db8::1 <>&", Device: "Mozilla/5.0 (X11; Linux) \u202ecod.exe\x00 \xff\xfe",
		DenyLink:    `https://a.example/deny?t=1&u='x'&v="y"&w=<z>#frag%20ok%zz é+ü (1)`,
		ConfirmLink: "HTTPS://b.example/c?d=1&e=%E2%9C%93&f=`g`;h\\i"},
	{AppName: "تطبيقي", When: "٢ ديسمبر", Place: "東京都", IP: "198.51.100.1", Device: "iPhone",
		DenyLink: "javascript:alert(document.cookie)", ConfirmLink: "/relative/path?x=1&y=2%4"},
}

// atoBrands are no brand, a full brand, and one whose values the escapers must filter or decode.
var atoBrands = []atomail.Brand{
	{},
	{Logo: "https://cdn.example/logo.png?v=1&x='y'", LogoWidth: 120, LogoHeight: 30, Accent: "#0f766e",
		SupportURL: "https://help.example/?q=a&b=c", SupportEmail: "help+ato@example.com"},
	{Logo: "data:image/png;base64,AAAA", LogoWidth: -1, Accent: `\72 ed`, SupportEmail: `o'hara&"co"@example.com`},
	{Accent: "red;background:url(x)", SupportURL: "https://help.example/a b"},
	{Accent: "expres-sion(1)", SupportURL: "help.example/x:y"},
}

// TestATOCompiledEqualsHTMLTemplate renders every shipped locale × action × every combination of
// present/absent optional values × each brand × each value set with html/template (atomail's
// Renderer) and with the compiled programs the sender runs (atoprog), and requires byte-identical
// subject, HTML and text.
func TestATOCompiledEqualsHTMLTemplate(t *testing.T) {
	tree, err := Embedded().ATOTree()
	if err != nil {
		t.Fatal(err)
	}
	locales := make([]string, 0, len(tree.Locales))
	for l := range tree.Locales {
		locales = append(locales, l)
	}
	sort.Strings(locales)
	if len(locales) < 25 {
		t.Fatalf("%d locales have the mail; want every shipped one", len(locales))
	}
	renders := 0
	for bi, brand := range atoBrands {
		tree.Brand = brand
		compiled, err := atomail.Compile(tree)
		if err != nil {
			t.Fatal(err)
		}
		old, fresh := atomail.NewRenderer(tree), atoprog.NewRenderer(compiled)
		for _, loc := range locales {
			for _, action := range []string{atomail.ActionBlocked, atomail.ActionChallenged, atomail.ActionNeutral, "NO_ACTION"} {
				for vi, values := range atoValueSets {
					if bi > 1 && vi != 1 {
						continue // the filtering brands with the hostile values only: the run stays short
					}
					for mask := 0; mask < 64; mask++ {
						d := atomail.Data{AppName: values.AppName, Action: action}
						for i, f := range []struct{ dst, src *string }{
							{&d.When, &values.When}, {&d.Place, &values.Place}, {&d.IP, &values.IP},
							{&d.Device, &values.Device}, {&d.DenyLink, &values.DenyLink}, {&d.ConfirmLink, &values.ConfirmLink},
						} {
							if mask&(1<<i) != 0 {
								*f.dst = *f.src
							}
						}
						want, err := old.Render(loc, d)
						if err != nil {
							t.Fatal(err)
						}
						got, err := fresh.Render(loc, d)
						if err != nil {
							t.Fatal(err)
						}
						renders++
						ctx := fmt.Sprintf("brand %d, %s, action %q, values %d, mask %06b", bi, loc, action, vi, mask)
						if got.Subject != want.Subject {
							t.Fatalf("subject: got %q; want %q (%s)", got.Subject, want.Subject, ctx)
						}
						if got.HTML != want.HTML {
							t.Fatalf("HTML differs (%s):\n%s", ctx, lineDiff(got.HTML, want.HTML))
						}
						if got.Text != want.Text {
							t.Fatalf("text differs (%s):\n%s", ctx, lineDiff(got.Text, want.Text))
						}
					}
				}
			}
		}
	}
	t.Logf("%d mails rendered both ways, identical", renders)
}
