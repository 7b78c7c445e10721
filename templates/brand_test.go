package templates

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"cognito-custom-message/messages"
)

func brandTree(files map[string]string) fstest.MapFS {
	tree := fstest.MapFS{}
	for f, data := range files {
		tree[f] = &fstest.MapFile{Data: []byte(data)}
	}
	return tree
}

func TestLoadBrands(t *testing.T) {
	dir := brandTree(map[string]string{
		"acme/brand.json":         `{"appName":"Acme","clientIds":["abc123"],"logoUrl":"https://cdn.example/l.png","accentColor":"#112233","supportEmail":"help@acme.example"}`,
		"acme/de/SignUp.sms.txt":  "{{.Code}} ist Ihr Acme-Code.\n",
		"slim/brand.json":         `{"appName":"Slim","locales":["fr","de"],"defaultLocale":"fr","fromEmail":"no-reply@slim.example","fromName":"Slim Team","replyTo":"help@slim.example","sesConfigurationSet":"slim-events","smsSenderId":"Slim"}`,
		"README.md":               "not a brand",
		"nl-brand/brand.json":     `{"appName":"Nl"}`,
		"nl-brand/nl/footer.html": "Automatisch verstuurd door {{.AppName}}.",
	})
	brands, err := LoadBrands(dir, Files())
	if err != nil {
		t.Fatal(err)
	}
	if len(brands) != 3 || brands[0].Name != "acme" || brands[1].Name != "nl-brand" || brands[2].Name != "slim" {
		t.Fatalf("brands %v", brands)
	}
	acme, nl, slim := brands[0], brands[1], brands[2]
	if got := strings.Join(slim.Catalog.Locales(), ","); got != "de,fr" {
		t.Errorf("slim locales %s; want de,fr", got)
	}
	if !nl.Catalog.HasLocale("nl") {
		t.Error("a brand's new locale folder is not a locale")
	}
	// Overridden file, inherited file.
	m, err := acme.Catalog.Render("de", "SignUp", testData("Acme"))
	if err != nil || m.SMS != "{####} ist Ihr Acme-Code." || !strings.Contains(m.Subject, "Acme") {
		t.Errorf("acme de/SignUp: %q %q %v", m.SMS, m.Subject, err)
	}
	if !strings.Contains(m.Email, `<img src="https://cdn.example/l.png" width="160" height="40" alt="Acme"`) || !strings.Contains(m.Email, "mailto:help@acme.example") {
		t.Error("acme email lacks its logo (default size) or support address")
	}
	if c := slim.Config; c.FromEmail != "no-reply@slim.example" || c.FromName != "Slim Team" || c.ReplyTo != "help@slim.example" || c.SESConfigurationSet != "slim-events" || c.SMSSenderID != "Slim" {
		t.Errorf("slim sender fields %+v", c)
	}
	if _, err := slim.Catalog.Render("ja", "SignUp", testData("Slim")); err == nil {
		t.Error("slim renders a locale it does not send")
	}
}

func testData(app string) messages.Data { return messages.Data{Code: "{####}", AppName: app} }

func mustSub(t *testing.T, fsys fs.FS, dir string) fs.FS {
	t.Helper()
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func TestLoadBrandsErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"no brand.json", map[string]string{"acme/de/SignUp.sms.txt": "x"}, []string{"acme/brand.json: missing"}},
		{"unknown key", map[string]string{"acme/brand.json": `{"appName":"A","colour":"#000000"}`}, []string{`unknown field "colour"`}},
		{"no appName", map[string]string{"acme/brand.json": `{}`}, []string{"appName"}},
		{"appName too long", map[string]string{"acme/brand.json": `{"appName":"` + strings.Repeat("x", 33) + `"}`}, []string{"appName"}},
		{"appName with braces", map[string]string{"acme/brand.json": `{"appName":"{####}"}`}, []string{"appName"}},
		{"http logo", map[string]string{"acme/brand.json": `{"appName":"A","logoUrl":"http://x.example/l.png"}`}, []string{"logoUrl", "https only"}},
		{"javascript logo", map[string]string{"acme/brand.json": `{"appName":"A","logoUrl":"javascript:alert(1)"}`}, []string{"logoUrl"}},
		{"logo with a quote", map[string]string{"acme/brand.json": `{"appName":"A","logoUrl":"https://x.example/a\"onerror=x"}`}, []string{"logoUrl", "quotes"}},
		{"support URL", map[string]string{"acme/brand.json": `{"appName":"A","supportUrl":"ftp://x.example"}`}, []string{"supportUrl"}},
		{"support email", map[string]string{"acme/brand.json": `{"appName":"A","supportEmail":"Help <help@x.example>"}`}, []string{"supportEmail"}},
		{"from email with a name", map[string]string{"acme/brand.json": `{"appName":"A","fromEmail":"Acme <no-reply@acme.example>"}`}, []string{"fromEmail", "fromName"}},
		{"reply-to with a header", map[string]string{"acme/brand.json": `{"appName":"A","replyTo":"a@x.example?bcc=b@x.example"}`}, []string{"replyTo"}},
		{"from name with an address", map[string]string{"acme/brand.json": `{"appName":"A","fromName":"Acme <evil@x.example>"}`}, []string{"fromName"}},
		{"from name with a newline", map[string]string{"acme/brand.json": "{\"appName\":\"A\",\"fromName\":\"Acme\\nBcc: x\"}"}, []string{"fromName"}},
		{"configuration set with a space", map[string]string{"acme/brand.json": `{"appName":"A","sesConfigurationSet":"my set"}`}, []string{"sesConfigurationSet"}},
		{"sender ID too long", map[string]string{"acme/brand.json": `{"appName":"A","smsSenderId":"AcmeCorporation"}`}, []string{"smsSenderId"}},
		{"sender ID all digits", map[string]string{"acme/brand.json": `{"appName":"A","smsSenderId":"12345"}`}, []string{"smsSenderId"}},
		{"support email with a header", map[string]string{"acme/brand.json": `{"appName":"A","supportEmail":"help?cc=victim@x.example"}`}, []string{"supportEmail"}},
		{"support email with NBSP", map[string]string{"acme/brand.json": "{\"appName\":\"A\",\"supportEmail\":\"hi\u00a0x@x.example\"}"}, []string{"supportEmail"}},
		{"colour", map[string]string{"acme/brand.json": `{"appName":"A","accentColor":"red"}`}, []string{"accentColor"}},
		{"colour injection", map[string]string{"acme/brand.json": `{"appName":"A","accentColor":"#000;background:url(x)"}`}, []string{"accentColor"}},
		{"unknown locale", map[string]string{"acme/brand.json": `{"appName":"A","locales":["de","xx"]}`}, []string{`locales[1]: "xx"`}},
		{"default not sent", map[string]string{"acme/brand.json": `{"appName":"A","locales":["de"],"defaultLocale":"fr"}`}, []string{"defaultLocale"}},
		{"reserved folder name", map[string]string{"default/brand.json": `{"appName":"A"}`}, []string{`folder name "default" is reserved`}},
		{"bad folder name", map[string]string{"Acme Inc/brand.json": `{"appName":"A"}`}, []string{`folder name "Acme Inc"`}},
		{"client claimed twice", map[string]string{"a/brand.json": `{"appName":"A","clientIds":["c1"]}`, "b/brand.json": `{"appName":"B","clientIds":["c1"]}`}, []string{`"c1" is also claimed`}},
		{"bad client ID", map[string]string{"a/brand.json": `{"appName":"A","clientIds":["c 1"]}`}, []string{`clientIds[0]`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadBrands(brandTree(c.files), Files())
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestLintBrand: a brand's own files are linted over the shared tree, with its product name.
func TestLintBrand(t *testing.T) {
	dir := brandTree(map[string]string{
		"acme/brand.json":           `{"appName":"Acme Cloud Platform Services","locales":["de","en"],"supportEmail":"help@acme.example"}`,
		"acme/de/footer.html":       "Automatisch versendet von {{.AppName}}.",
		"acme/de/SignUp.sms.txt":    "{{.Code}} ist Ihr Bestätigungscode für {{.AppName}}. Bitte geben Sie ihn in der App ein, um fortzufahren – danke!\n",
		"acme/en/SignUp.email.html": "<p>Hi {{.Name}}</p>{{template \"code\" .}}\u00a0\n",
	})
	brands, err := LoadBrands(dir, Files())
	if err != nil {
		t.Fatal(err)
	}
	r := Lint(Overlay(mustSub(t, dir, "acme"), Files()), ForBrand(brands[0]))
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"de/SignUp.sms.txt: warning: [sms-segments]", "en/SignUp.email.html:1:", "[unproven-name]", "[character]", "de/footer.html: warning: [support-line]"} {
		if !strings.Contains(all, want) {
			t.Errorf("no finding %q in:\n%s", want, all)
		}
	}
	if strings.Contains(all, "ja/") {
		t.Errorf("linted a locale the brand does not send:\n%s", all)
	}
}
