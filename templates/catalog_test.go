package templates

import (
	"cognito-custom-message/messages"
	"errors"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/language"
)

// minimumShipped are the locales every release has shipped since the first: deleting one by mistake
// fails TestEmbeddedLocales. A new locale is only files and needs no change here.
var minimumShipped = []string{"ar", "de", "en", "es", "fr", "it", "ja", "pt-BR", "zh-Hans"}

// shipped are the locales of the template tree: every folder beside layout.html.
var shipped = func() []string {
	entries, err := fs.ReadDir(Files(), ".")
	if err != nil {
		panic(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}()

func TestEmbeddedLocales(t *testing.T) {
	got := Embedded().Locales()
	if strings.Join(got, ",") != strings.Join(shipped, ",") {
		t.Fatalf("Locales() = %v; want the tree's folders %v", got, shipped)
	}
	for _, loc := range minimumShipped {
		if !slices.Contains(got, loc) {
			t.Errorf("locale %s is gone: it has shipped since the first release", loc)
		}
	}
}

// TestCatalogFiles checks that every locale has exactly the files the catalog reads: a footer and a
// subject, email and SMS per trigger source, and optionally a valid locale.json. A missing file would fail at run time; an extra file
// is almost always a misspelt one.
func TestCatalogFiles(t *testing.T) {
	want := map[string]bool{FooterFile: true}
	for _, s := range Sources {
		for _, p := range []messages.Part{messages.PartSubject, messages.PartEmail, messages.PartSMS} {
			want[FileName(s, p)] = true
		}
	}
	for _, loc := range Embedded().Locales() {
		entries, err := fs.ReadDir(embedded, loc)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, e := range entries {
			have[e.Name()] = true
			if e.Name() == LocaleFile {
				if _, err := Embedded().LocaleConfig(loc); err != nil {
					t.Error(err)
				}
				continue // optional
			}
			if e.Name() == ATOSubjectFile || e.Name() == ATOEmailFile || e.Name() == ATOTextFile {
				continue // the custom sender's account-takeover mail: optional until every locale has it (TestLintATO)
			}
			if !want[e.Name()] {
				t.Errorf("%s/%s: file the catalog never reads", loc, e.Name())
			}
		}
		for f := range want {
			if !have[f] {
				t.Errorf("%s/%s: missing", loc, f)
			}
		}
	}
}

func worstCaseData() map[string]messages.Data {
	out := map[string]messages.Data{}
	for _, nd := range WorstCaseData() {
		out[nd.Name] = nd.Data
	}
	return out
}

// TestCatalogWorstCase renders every locale × source with the longest and most hostile data the
// handler lets through, and checks every part against Cognito's rules.
func TestCatalogWorstCase(t *testing.T) {
	c := Embedded()
	for _, loc := range c.Locales() {
		for _, src := range Sources {
			for name, d := range worstCaseData() {
				t.Run(loc+"/"+src+"/"+name, func(t *testing.T) {
					ph := messages.Placeholders{Code: "{####}"}
					d.Code = ph.Code
					d.Link = "{##Click Here##}"
					if src == "AdminCreateUser" {
						ph.Username = "{username}"
						d.Username = ph.Username
					}
					m, err := c.Render(loc, src, d)
					if err != nil {
						t.Fatalf("Render: %v", err)
					}
					if err := messages.Check(m, ph); err != nil {
						t.Fatalf("Check: %v\nsubject: %s\nsms: %s", err, m.Subject, m.SMS)
					}
					// Only a proven recipient may be addressed by name (issue 10: a stranger's address
					// must not receive what the sign-up form's author typed).
					named := strings.Contains(m.Subject+m.Email+m.SMS, d.Name) || strings.Contains(m.Email, htmlEscape(d.Name))
					switch proven := messages.MayGreet(src); {
					case d.Name != "" && proven && !strings.Contains(m.Email, htmlEscape(d.Name)):
						t.Errorf("email does not greet the user by name %q", d.Name)
					case d.Name != "" && !proven && named:
						t.Errorf("the name %q reaches a recipient who has not proven the address", d.Name)
					}
					if (src == "SignUp" || src == "ResendCode") && !strings.Contains(m.Email, d.Link) {
						t.Errorf("email drops the link placeholder")
					}
					if strings.Contains(m.Email, "<script") || strings.Contains(m.Email, "zqCCM") {
						t.Errorf("email leaks raw HTML or a sentinel:\n%s", m.Email)
					}
				})
			}
		}
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestCatalogLocaleAttributes(t *testing.T) {
	c := Embedded()
	d := messages.Data{Code: "{####}", Username: "{username}", Name: "Name", AppName: "Example"}
	seen := map[string]string{}
	for _, loc := range c.Locales() {
		m, err := c.Render(loc, "SignUp", d)
		if err != nil {
			t.Fatal(err)
		}
		dir := "ltr"
		if Direction(language.Make(loc)) == "rtl" {
			dir = "rtl"
		}
		if want := `<html lang="` + loc + `" dir="` + dir + `">`; !strings.Contains(m.Email, want) {
			t.Errorf("%s: email lacks %s", loc, want)
		}
		// Bidi control characters are what Cognito rejects; direction comes from markup only.
		for _, part := range []string{m.Subject, m.Email, m.SMS} {
			if i := strings.IndexAny(part, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"); i >= 0 {
				t.Errorf("%s: bidi control character at %d", loc, i)
			}
		}
		// One template set per locale: no locale may render another's words (ParseFS collisions).
		if other, dup := seen[m.Subject]; dup {
			t.Errorf("%s and %s render the same subject %q", loc, other, m.Subject)
		}
		seen[m.Subject] = loc
	}
	// Each source has its own wording: an invitation is not a password reset.
	for _, loc := range c.Locales() {
		subjects := map[string]string{}
		for _, src := range Sources {
			m, err := c.Render(loc, src, d)
			if err != nil {
				t.Fatal(err)
			}
			if other, dup := subjects[m.Subject]; dup {
				t.Errorf("%s: %s and %s share the subject %q", loc, src, other, m.Subject)
			}
			subjects[m.Subject] = src
		}
	}
}

// testTree is a minimal catalog whose one locale puts every placeholder inside links.
func testTree(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		LayoutFile: {Data: []byte(`<html lang="{{.Lang}}" dir="{{.Dir}}">{{template "content" .}}<footer>{{template "footer" .}}</footer></html>{{define "code"}}<b>{{.Code}}</b>{{end}}`)},
	}
	for _, src := range Sources {
		fsys["en/"+FileName(src, messages.PartSubject)] = &fstest.MapFile{Data: []byte("Subject {{.AppName}}\n")}
		fsys["en/"+FileName(src, messages.PartSMS)] = &fstest.MapFile{Data: []byte("{{.Code}} {{.Username}}\n")}
		fsys["en/"+FileName(src, messages.PartEmail)] = &fstest.MapFile{Data: []byte(`<a href="https://example.com/verify?code={{.Code}}&amp;user={{.Username}}">{{.Link}}</a>{{template "code" .}}<a href="https://example.com/c/{{.Code}}" title="{{.Code}}">x</a>`)}
	}
	fsys["en/"+FooterFile] = &fstest.MapFile{Data: []byte("Footer {{.AppName}}")}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

func TestPlaceholdersSurviveInLinks(t *testing.T) {
	c, err := New(testTree(nil))
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Render("en", "AdminCreateUser", messages.Data{Code: "{####}", Username: "{username}", Link: "{##Click Here##}", AppName: "A&B"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`href="https://example.com/verify?code={####}&amp;user={username}"`,
		`>{##Click Here##}</a>`,
		`<b>{####}</b>`,
		`href="https://example.com/c/{####}"`,
		`title="{####}"`,
		`Footer A&amp;B`,
	} {
		if !strings.Contains(m.Email, want) {
			t.Errorf("email lacks %s:\n%s", want, m.Email)
		}
	}
	if strings.Contains(strings.ToLower(m.Email), "%7b") {
		t.Errorf("a placeholder was URL-escaped:\n%s", m.Email)
	}
	if m.Subject != "Subject A&B" || m.SMS != "{####} {username}" {
		t.Errorf("subject %q, sms %q", m.Subject, m.SMS)
	}
}

func TestRenderRefusesOddPlaceholders(t *testing.T) {
	c, err := New(testTree(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"<b>{####}</b>", "{##\"##}", "None"} {
		if _, err := c.Render("en", "SignUp", messages.Data{Code: code}); err == nil {
			t.Errorf("Render accepted code placeholder %q", code)
		}
	}
}

func TestDiscovery(t *testing.T) {
	fsys := testTree(map[string]string{
		"pt-br/SignUp.subject.txt":    "not canonical",
		"_partials/x.html":            "ignored",
		"klingon!/SignUp.subject.txt": "not a tag",
		"de/SignUp.subject.txt":       "Betreff",
	})
	c, err := New(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Locales(), ","); got != "de,en" {
		t.Errorf("Locales() = %s; want de,en", got)
	}
	// de has only a subject: loading it fails with the missing file named, and en still works.
	err = c.Load("de", "SignUp")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != path.Join("de", FileName("SignUp", messages.PartSMS)) {
		t.Errorf("Load(de) = %v; want a missing-file error for de/SignUp.sms.txt", err)
	}
	if err := c.Load("en", "SignUp"); err != nil {
		t.Errorf("Load(en) = %v", err)
	}
	if _, err := New(fstest.MapFS{LayoutFile: {}}); err == nil {
		t.Error("New accepted a tree without locales")
	}
}

func TestParseErrorsNameTheFile(t *testing.T) {
	c, err := New(testTree(map[string]string{
		"en/SignUp.email.html":         "<p>\n{{if .Name}}unclosed",
		"en/ResendCode.sms.txt":        "{{.Nope}}",
		"en/ForgotPassword.email.html": "{{.Missing}}",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Load("en", "SignUp"); err == nil || !strings.Contains(err.Error(), "en/SignUp.email.html:2") {
		t.Errorf("Load = %v; want the file and line", err)
	}
	if _, err := c.Render("en", "ResendCode", messages.Data{Code: "{####}"}); err == nil || !strings.Contains(err.Error(), "en/ResendCode.sms.txt") {
		t.Errorf("Render = %v; want the file named", err)
	}
	if _, err := c.Render("en", "ForgotPassword", messages.Data{Code: "{####}"}); err == nil || !strings.Contains(err.Error(), "en/ForgotPassword.email.html") {
		t.Errorf("Render = %v; want the file named", err)
	}
	if _, err := c.Render("xx", "SignUp", messages.Data{}); err == nil {
		t.Error("Render accepted an unknown locale")
	}
	if _, err := c.Render("en", "PreSignUp", messages.Data{}); err == nil {
		t.Error("Render accepted an unknown source")
	}
}

func TestSourcesSorted(t *testing.T) {
	// Sources is in Cognito's documentation order, not sorted; this pins its content.
	got := append([]string(nil), Sources...)
	sort.Strings(got)
	want := "AdminCreateUser,Authentication,ForgotPassword,ResendCode,SignUp,UpdateUserAttribute,VerifyUserAttribute"
	if strings.Join(got, ",") != want {
		t.Errorf("Sources = %v", Sources)
	}
}

func TestLocaleConfig(t *testing.T) {
	tree := fstest.MapFS{}
	for f, data := range map[string]string{
		"en/x.txt":       "",
		"ja/locale.json": `{"nameAttributes": ["name", "family_name"]}`,
		"de/locale.json": `{}`,
		"fr/locale.json": `{"nameAttributes": ["custom:display_name"]}`,
		"es/locale.json": `{"nameAttributes": []}`,
		"it/locale.json": `{"nameAttributes": ["phone_number"]}`,
		"ar/locale.json": `{"nameAttributes": ["name", "name"]}`,
		"ko/locale.json": `{"nameAttributes": ["name"], "greeting": "x"}`,
		"nl/locale.json": `{"nameAttributes": ["name"]} {}`,
		"sv/locale.json": `not json`,
	} {
		tree[f] = &fstest.MapFile{Data: []byte(data)}
	}
	c, err := New(tree)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		locale string
		want   []string
		err    string
	}{
		{"en", messages.DefaultNameAttributes, ""},
		{"ja", []string{"name", "family_name"}, ""},
		{"de", messages.DefaultNameAttributes, ""},
		{"fr", []string{"custom:display_name"}, ""},
		{"es", nil, "1 to 4 attributes"},
		{"it", nil, `nameAttributes[0] "phone_number"`},
		{"ar", nil, "listed twice"},
		{"ko", nil, `unknown field "greeting"`},
		{"nl", nil, "more than one JSON value"},
		{"sv", nil, "sv/locale.json"},
	} {
		cfg, err := c.LocaleConfig(tc.locale)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v; want one with %q", tc.locale, err, tc.err)
			}
			if got := c.NameAttributes(tc.locale); strings.Join(got, ",") != strings.Join(messages.DefaultNameAttributes, ",") {
				t.Errorf("%s: NameAttributes of a broken file = %v; want the default", tc.locale, got)
			}
			continue
		}
		if err != nil || strings.Join(cfg.NameAttributes, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, %v; want %v", tc.locale, cfg.NameAttributes, err, tc.want)
		}
	}
	// The compiled table carries the same lists.
	for _, loc := range Embedded().Locales() {
		if got, want := messages.Compiled().NameAttributes(loc), Embedded().NameAttributes(loc); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: compiled %v; templates %v", loc, got, want)
		}
	}
}

// TestCheckAliases: an alias may not take a meaning away from the set.
func TestCheckAliases(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string // "" = accepted
	}{
		{"a code that is no language", map[string]string{"ja/locale.json": `{"aliases": ["jp"]}`}, ""},
		{"a shipped locale", map[string]string{"ja/locale.json": `{"aliases": ["de"]}`}, `alias "de" is a shipped locale`},
		{"means a shipped locale", map[string]string{"ja/locale.json": `{"aliases": ["deu"]}`}, `alias "deu" already means de`},
		{"claimed twice", map[string]string{"ja/locale.json": `{"aliases": ["kr"]}`}, `is also claimed by`},
	} {
		t.Run(c.name, func(t *testing.T) {
			top := fstest.MapFS{}
			for f, s := range c.files {
				top[f] = &fstest.MapFile{Data: []byte(s)}
			}
			cat, err := New(Overlay(top, Files()))
			if err != nil {
				t.Fatal(err)
			}
			errs := strings.Join(cat.CheckAliases(), "\n")
			if c.want == "" && errs != "" || c.want != "" && !strings.Contains(errs, c.want) {
				t.Errorf("CheckAliases() = %q; want %q", errs, c.want)
			}
			if _, err := cat.Table(); (err != nil) != (c.want != "") {
				t.Errorf("Table() error %v; want one: %v", err, c.want != "")
			}
		})
	}
	for _, bad := range []string{`{"aliases": ["KR"]}`, `{"aliases": ["k"]}`, `{"aliases": ["kr", "kr"]}`, `{"aliases": ["ko-KR"]}`} {
		cat, _ := New(Overlay(fstest.MapFS{"ja/locale.json": &fstest.MapFile{Data: []byte(bad)}}, Files()))
		if _, err := cat.LocaleConfig("ja"); err == nil || !strings.Contains(err.Error(), "aliases[") {
			t.Errorf("locale.json %s: %v", bad, err)
		}
	}
}
