package templates

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// TestShippedTemplatesLintClean runs `make lint-templates`' checks in `make test`.
func TestShippedTemplatesLintClean(t *testing.T) {
	r := Lint(Files())
	for _, f := range r.Findings {
		t.Errorf("%s", f)
	}
	if len(r.SMS) != len(shipped)*len(Sources) {
		t.Errorf("%d SMS costs; want %d", len(r.SMS), len(shipped)*len(Sources))
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
