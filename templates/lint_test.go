package templates

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// TestShippedTemplatesLintClean runs `make lint-templates`' checks in `make test`: no error and no
// warning, with the default product name and with a 10-character one (every SMS in one segment).
func TestShippedTemplatesLintClean(t *testing.T) {
	for _, app := range []string{DefaultLintAppName, "Acme Cloud"} {
		r := Lint(Files(), WithAppName(app))
		for _, f := range r.Findings {
			t.Errorf("app name %q: %s", app, f)
		}
		if len(r.SMS) != len(shipped)*len(Sources) {
			t.Errorf("%d SMS costs; want %d", len(r.SMS), len(shipped)*len(Sources))
		}
	}
}

// copyTree is the embedded tree as a MapFS a test can break.
func copyTree(t *testing.T) fstest.MapFS {
	t.Helper()
	tree := fstest.MapFS{}
	err := fs.WalkDir(Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Files(), p)
		tree[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestLintFindsBrokenTemplates breaks the shipped tree in every way the linter knows and checks that
// each break is reported with its file, line (and column where there is one) and rule.
func TestLintFindsBrokenTemplates(t *testing.T) {
	tree := copyTree(t)
	set := func(name, data string) { tree[name] = &fstest.MapFile{Data: []byte(data)} }
	set("de/SignUp.sms.txt", "{{.Code}} ist Ihr Code\n für\u00a0{{.AppName}}.\n")
	set("fr/ForgotPassword.email.html", "<p>Bonjour</p>\n{{template \"code\" .}}\n{{if .Name}}<p>{{.Name}}</p>\n")
	set("it/ResendCode.subject.txt", "Il tuo codice {{.Code}}\n")
	set("es/AdminCreateUser.sms.txt", "Contraseña temporal: {{.Code}}\n")
	set("ja/Authentication.sms.txt", "【{{.AppName}}】"+strings.Repeat("サインインコード", 20)+"{{.Code}}\n")
	set("en/SignUp.email.html", "<p><a href=\"https://example.com/verify?code={{\"{####}\"}}\">Verify</a></p>{{template \"code\" .}}\n")
	set("zh-Hans/ResendCode.email.html", "<p>{{printf \"%s\" .Name}}</p>{{template \"code\" .}}\n")
	set("ar/SignUp.email.htm", "<p>typo</p>")
	set("pt-br/SignUp.subject.txt", "not canonical")
	set("es/VerifyUserAttribute.sms.txt", "{{.Code}} es tu código de {{.AppName}} para verificar tu número de teléfono móvil personal.\n")
	set("it/SignUp.email.html", "<p>Ciao\u200e</p>\n{{template \"code\" .}}\n")
	delete(tree, "pt-BR/VerifyUserAttribute.sms.txt")
	set("de/locale.json", `{"nameAttributes": ["given_name", "email"]}`)
	set("fr/locale.json", `{"names": ["name"]}`)
	// Invitations are measured with the temporary password and a real username: 65 UTF-16 units
	// with a 6-digit code, 71 with a 12-character password.
	set("ar/AdminCreateUser.sms.txt", "كلمة المرور "+strings.Repeat("ب", 33)+" {{.Username}} {{.Code}}\n")
	// 137 with the placeholders, 145 once Cognito fills in the password and username.
	set("de/AdminCreateUser.sms.txt", strings.Repeat("x", 119)+" {{.Username}} {{.Code}}\n")
	// German after the greeting: a function word, and a verb-first formal imperative.
	set("de/ForgotPassword.email.html", "<p>{{if .Name}}Hallo {{.Name}},{{else}}Hallo,{{end}}</p>\n<p>Wir haben eine Anfrage erhalten.</p>\n{{template \"code\" .}}\n")
	set("de/Authentication.email.html", "<p>Hallo,</p>\n<p>  Melden Sie sich mit diesem Code an:</p>\n{{template \"code\" .}}\n")
	// Right to left: a subject and an SMS that start with a Latin value.
	set("ar/SignUp.sms.txt", "{{.AppName}}: رمز التأكيد {{.Code}}\n")
	set("ar/ForgotPassword.subject.txt", "{{.AppName}} - إعادة تعيين كلمة المرور\n")
	// Right to left: bare product names in the footer and the shared layout's header.
	set("ar/footer.html", "أُرسلت هذه الرسالة من {{.AppName}}.")
	set(LayoutFile, strings.Replace(string(tree[LayoutFile].Data), "<bdi>{{.AppName}}</bdi>", "{{.AppName}}", 1))
	// A name where the recipient is unproven: in the email's greeting test, and printed in an SMS.
	set("en/ResendCode.email.html", "<p>{{if .Name}}Hi {{.Name}},{{else}}Hi,{{end}}</p>\n{{template \"code\" .}}\n")
	set("it/VerifyUserAttribute.sms.txt", "{{.Code}} è il codice di {{.Name}}\n")
	// Plain texts of a locale's own: one without the code, an invitation without the username, one
	// with a character the rest of the files may not have either.
	set("nl/SignUp.email.txt", "Welkom bij {{.AppName}}.\n")
	set("sv/AdminCreateUser.email.txt", "Lösenord: {{.Code}}\n")
	set("da/ResendCode.email.txt", "Kode\u00a0: {{.Code}}\n")

	r := Lint(tree)
	want := []struct {
		file      string
		line, col int
		rule      string
		sev       Severity
		text      string
	}{
		{"de/SignUp.sms.txt", 2, 5, LintCharacter, Error, "U+00A0 NO-BREAK SPACE"},
		{"fr/ForgotPassword.email.html", 4, 0, LintParse, Error, "unexpected EOF"},
		{"it/ResendCode.subject.txt", 0, 0, LintPlaceholder, Error, "placeholder in subject"},
		{"es/AdminCreateUser.sms.txt", 0, 0, LintPlaceholder, Error, "username placeholder missing"},
		{"ja/Authentication.sms.txt", 0, 0, LintLimit, Error, "too long"},
		{"en/SignUp.email.html", 0, 0, LintEscapedCode, Error, "URL-escaped"},
		{"zh-Hans/ResendCode.*", 0, 0, LintNotCompilable, Error, "zh-Hans/ResendCode"},
		{"ar/SignUp.email.htm", 0, 0, LintUnknownFile, Warning, "never reads"},
		{"pt-br", 0, 0, LintFolderName, Error, `"pt-BR"`},
		{"pt-BR/VerifyUserAttribute.sms.txt", 0, 0, LintMissingFile, Error, "missing"},
		{"es/VerifyUserAttribute.sms.txt", 0, 0, LintSMSSegments, Warning, "UCS-2"},
		{"it/SignUp.email.html", 1, 8, LintCharacter, Error, "LEFT-TO-RIGHT MARK"},
		{"de/locale.json", 0, 0, LintLocaleFile, Error, `nameAttributes[1] "email"`},
		{"fr/locale.json", 0, 0, LintLocaleFile, Error, `unknown field "names"`},
		{"ar/AdminCreateUser.sms.txt", 0, 0, LintSMSSegments, Warning, "71 UCS-2 characters"},
		{"de/AdminCreateUser.sms.txt", 0, 0, LintLimit, Error, "145 UTF-16 units once Cognito fills in the 12-character temporary password"},
		{"de/ForgotPassword.email.html", 2, 4, LintGreetingCase, Error, `"Wir"`},
		{"de/Authentication.email.html", 2, 6, LintGreetingCase, Error, `"Melden"`},
		{"ar/SignUp.sms.txt", 1, 0, LintRTLStart, Error, "left-to-right"},
		{"ar/ForgotPassword.subject.txt", 1, 0, LintRTLStart, Error, "left-to-right"},
		{"ar/footer.html", 1, 25, LintBidiIsolate, Error, "<bdi>{{.AppName}}</bdi>"},
		{LayoutFile, 28, 512, LintBidiIsolate, Error, "<bdi>{{.AppName}}</bdi>"},
		{"en/ResendCode.email.html", 1, 9, LintUnprovenName, Error, "ResendCode"},
		{"en/ResendCode.email.html", 1, 21, LintUnprovenName, Error, "ResendCode"},
		{"it/VerifyUserAttribute.sms.txt", 1, 28, LintUnprovenName, Error, "VerifyUserAttribute"},
		{"nl/SignUp.email.txt", 0, 0, LintPlaceholder, Error, "the plain text has no {####}"},
		{"sv/AdminCreateUser.email.txt", 0, 0, LintPlaceholder, Error, "the plain text has no {username}"},
		{"da/ResendCode.email.txt", 1, 5, LintCharacter, Error, "U+00A0 NO-BREAK SPACE"},
	}
	for _, w := range want {
		found := false
		for _, f := range r.Findings {
			if f.File == w.file && f.Line == w.line && f.Col == w.col && f.Rule == w.rule && f.Severity == w.sev && strings.Contains(f.Message, w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no finding %s:%d:%d %s [%s] %q", w.file, w.line, w.col, w.sev, w.rule, w.text)
		}
	}
	for _, f := range r.Findings {
		if strings.HasSuffix(f.File, ".email.txt") && f.Rule == LintUnknownFile {
			t.Errorf("a plain-text override is a file the catalog reads: %s", f)
		}
	}
	if t.Failed() {
		for _, f := range r.Findings {
			t.Logf("got %s", f)
		}
	}
	if r.Errors() == 0 {
		t.Error("no errors reported")
	}
}

func TestSMSSegments(t *testing.T) {
	for _, c := range []struct {
		text  string
		chars int
		enc   string
		segs  int
	}{
		{"", 0, "GSM-7", 0},
		{"493817 ist Ihr Code für Example.", 32, "GSM-7", 1},
		{strings.Repeat("a", 160), 160, "GSM-7", 1},
		{strings.Repeat("a", 161), 161, "GSM-7", 2},
		{strings.Repeat("a", 306), 306, "GSM-7", 2},
		{strings.Repeat("a", 307), 307, "GSM-7", 3},
		{"{€}", 6, "GSM-7", 1}, // extension characters count twice
		{"código", 6, "UCS-2", 1},
		{strings.Repeat("ó", 70), 70, "UCS-2", 1},
		{strings.Repeat("ó", 71), 71, "UCS-2", 2},
		{strings.Repeat("😀", 35), 70, "UCS-2", 1},
	} {
		chars, enc, segs := SMSSegments(c.text)
		if chars != c.chars || enc != c.enc || segs != c.segs {
			t.Errorf("SMSSegments(%.20q) = %d %s %d; want %d %s %d", c.text, chars, enc, segs, c.chars, c.enc, c.segs)
		}
	}
}

// TestLintRulesSpareCorrectText pins what the wording rules must not flag: German nouns and the
// formal Sie/Ihr after a greeting, a name or product name where the recipient is proven, an Arabic
// message whose first character is a digit, and a product name in <title> or an attribute.
func TestLintRulesSpareCorrectText(t *testing.T) {
	tree := copyTree(t)
	set := func(name, data string) { tree[name] = &fstest.MapFile{Data: []byte(data)} }
	set("de/SignUp.email.html", "<p>Hallo,</p>\n<p>Sie haben sich registriert.</p>\n{{template \"code\" .}}\n")
	set("de/ResendCode.email.html", "<p>Hallo,</p>\n<p>Passwörter für {{.AppName}} laufen nicht ab.</p>\n{{template \"code\" .}}\n")
	set("de/VerifyUserAttribute.email.html", "<p>Hallo,</p>\n<p>Ihr Code:</p>\n{{template \"code\" .}}\n")
	set("de/ForgotPassword.email.html", "<p>{{if .Name}}Hallo {{.Name}}!{{else}}Guten Tag!{{end}}</p>\n<p>Wir haben eine Anfrage erhalten.</p>\n{{template \"code\" .}}\n")
	set("ar/SignUp.sms.txt", "{{.Code}} هو رمز التأكيد في {{.AppName}}\n")
	set("ar/Authentication.email.html", `<p title="{{.AppName}}">{{if .Name}}مرحبًا <bdi dir="auto">{{.Name}}</bdi>،{{else}}مرحبًا،{{end}}</p>{{template "code" .}}`)
	set("en/Authentication.sms.txt", "{{.Code}} is your code, {{.Name}}.\n")
	r := Lint(tree)
	for _, f := range r.Findings {
		t.Errorf("unexpected %s", f)
	}
}

// TestLintMeasuresWithTheConfiguredAppName: the SMS table and its warnings use the product name
// the function is configured with, sanitized and cut like the handler does.
func TestLintMeasuresWithTheConfiguredAppName(t *testing.T) {
	long := strings.Repeat("W", 40) // cut to messages.MaxAppNameUnits
	r := Lint(Files(), WithAppName(long))
	warned := 0
	for _, f := range r.Findings {
		if f.Rule != LintSMSSegments || !strings.Contains(f.Message, strconv.Quote(strings.Repeat("W", 32))) {
			t.Errorf("unexpected %s", f)
		}
		warned++
	}
	if warned == 0 {
		t.Error("a 32-character product name puts no SMS over one segment")
	}
	for _, c := range r.SMS {
		if !strings.Contains(c.Text, strings.Repeat("W", 32)) || strings.Contains(c.Text, strings.Repeat("W", 33)) {
			t.Errorf("%s/%s measured without the configured name: %s", c.Locale, c.Source, c.Text)
		}
	}
}

// TestSMSReport is what `make synth` runs: only the SMS checks, an error past Cognito's 140.
func TestSMSReport(t *testing.T) {
	tree := copyTree(t)
	// 141 UTF-16 units with a 32-character product name and a 6-digit code; 116 with "Example".
	tree["en/SignUp.sms.txt"] = &fstest.MapFile{Data: []byte(strings.Repeat("x", 101) + " {{.Code}} {{.AppName}}\n")}
	r, err := SMSReport(tree, WithAppName(strings.Repeat("W", 32)))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range r.Findings {
		if f.File == "en/SignUp.sms.txt" && f.Rule == LintLimit && f.Severity == Error && strings.Contains(f.Message, "141 UTF-16 units") {
			found = true
		}
	}
	if !found {
		t.Errorf("no limit error for a 141-unit SMS: %v", r.Findings)
	}
	if r, _ := SMSReport(tree); r.Errors() != 0 {
		t.Errorf("errors with the default product name: %v", r.Findings)
	}
	if len(r.SMS) != len(shipped)*len(Sources) {
		t.Errorf("%d SMS costs; want %d", len(r.SMS), len(shipped)*len(Sources))
	}
	if r, err := SMSReport(Files(), WithAppName("Acme Cloud")); err != nil || len(r.Findings) != 0 {
		t.Errorf("shipped templates with a 10-character product name: %v %v", err, r.Findings)
	}
}

// TestLintUntranslated: a locale folder copied from the default locale, and a single copied file,
// are reported; the shipped tree has neither (TestShippedTemplatesLintClean).
func TestLintUntranslated(t *testing.T) {
	tree := copyTree(t)
	for p, f := range copyTree(t) {
		if loc, name, _ := strings.Cut(p, "/"); loc == "en" {
			tree["nl/"+name] = f
		}
	}
	tree["de/SignUp.sms.txt"] = tree["en/SignUp.sms.txt"]
	r := Lint(tree)
	var got []string
	for _, f := range r.Findings {
		if f.Rule == LintUntranslated {
			got = append(got, f.File)
		}
	}
	want := []string{"de/SignUp.sms.txt", "nl"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("untranslated findings on %q; want %q\n%v", got, want, r.Findings)
	}
	// Compared with DEFAULT_LOCALE: with de as the default, nl (a copy of en) is not de's copy,
	// and de/SignUp.sms.txt is the reference itself; en/SignUp.sms.txt is now the copy.
	got = nil
	for _, f := range Lint(tree, WithDefaultLocale("de")).Findings {
		if f.Rule == LintUntranslated {
			got = append(got, f.File)
		}
	}
	if want := "en/SignUp.sms.txt nl/SignUp.sms.txt"; strings.Join(got, " ") != want {
		t.Errorf("with de as the default: findings on %q; want %q", got, want)
	}
}

// writeTree writes files under a new temporary folder, as a brand author's folder on disk.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLintBrandNamesTheAuthorsFiles: findings in a brand's own file name that file; findings in a
// shipped file the brand inherits name the brand's path to override it and the shipped file; a
// locale only the brand has is the brand's, missing files included; and an untranslated copy in
// a brand is reported there.
func TestLintBrandNamesTheAuthorsFiles(t *testing.T) {
	files := map[string]string{
		// 32 characters: the shipped es/Authentication SMS goes past one segment (infra's smscheck_test).
		"acme/brand.json":        `{"appName":"` + strings.Repeat("A", 32) + `","locales":["de","en","eo","es"]}`,
		"acme/de/SignUp.sms.txt": "{{.Code}} ist Ihr Bestätigungscode für {{.AppName}}. Bitte geben Sie ihn in der App ein, um fortzufahren – danke!\n",
	}
	en, err := fs.ReadDir(Files(), "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range en {
		b, _ := fs.ReadFile(Files(), "en/"+e.Name())
		if e.Name() != "ResendCode.sms.txt" { // the brand's new eo/ (Esperanto, which no release ships) lacks one file
			files["acme/eo/"+e.Name()] = string(b)
		}
	}
	dir := writeTree(t, files)
	brands, err := LoadBrands(os.DirFS(dir), Files())
	if err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(dir, "acme")
	r := LintBrand(brands[0], own, Files(), "templates")
	byFile := map[string]Finding{}
	for _, f := range r.Findings {
		byFile[f.Rule+" "+f.File] = f
	}
	all := fmt.Sprint(r.Findings)

	f, ok := byFile[LintSMSSegments+" "+own+"/de/SignUp.sms.txt"]
	if !ok || f.Inherited != "" {
		t.Errorf("the brand's own SMS: %+v, found %v; want its path, not inherited\n%s", f, ok, all)
	}
	f, ok = byFile[LintSMSSegments+" "+own+"/es/Authentication.sms.txt"]
	if !ok || f.Inherited != "templates/es/Authentication.sms.txt" {
		t.Errorf("an inherited SMS: %+v, found %v; want the brand's path and Inherited templates/es/Authentication.sms.txt\n%s", f, ok, all)
	} else if s := f.String(); !strings.HasPrefix(s, own+"/es/Authentication.sms.txt: warning:") ||
		!strings.HasSuffix(s, "(inherited from templates/es/Authentication.sms.txt: override it in "+own+"/es/Authentication.sms.txt)") {
		t.Errorf("inherited finding reads %q", s)
	}
	f, ok = byFile[LintMissingFile+" "+own+"/eo/ResendCode.sms.txt"]
	if !ok || f.Inherited != "" {
		t.Errorf("a missing file of the brand's own locale: %+v, found %v\n%s", f, ok, all)
	}
	if strings.Contains(all, "templates/eo") {
		t.Errorf("a finding of the brand's own locale names templates/:\n%s", all)
	}
	if _, ok := byFile[LintUntranslated+" "+own+"/eo"]; !ok {
		t.Errorf("no untranslated warning on the brand's copied eo/ files:\n%s", all)
	}
}
