package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestLintATO breaks the account-takeover files in each way lintATO knows and checks the finding;
// the shipped files and a locale without them (one added without its translation: the sender falls
// back to the default locale) are clean.
func TestLintATO(t *testing.T) {
	en := func(f string) string { return "en/" + f }
	cases := []struct {
		name  string
		files map[string]string // over the shipped tree; "" deletes
		file  string            // the finding's file; "" wants none from LintATO or for ATO files
		want  string            // in the message
	}{
		{"shipped", nil, "", ""},
		{"a locale without them", map[string]string{"de/" + ATOSubjectFile: "", "de/" + ATOEmailFile: ""}, "", ""},
		{"subject without email", map[string]string{"de/" + ATOSubjectFile: "Unusual sign-in\n", "de/" + ATOEmailFile: ""}, "de/" + ATOEmailFile, "needs its email"},
		{"email without subject", map[string]string{"de/" + ATOEmailFile: "<p>x</p>\n", "de/" + ATOSubjectFile: ""}, "de/" + ATOSubjectFile, "needs its subject"},
		{"two-line subject", map[string]string{en(ATOSubjectFile): "Unusual sign-in\nto {{.AppName}}\n"}, en(ATOSubjectFile), "one line"},
		{"empty subject", map[string]string{en(ATOSubjectFile): "{{if eq .Action \"x\"}}x{{end}}\n"}, en(ATOSubjectFile), "empty"},
		{"parse error", map[string]string{en(ATOEmailFile): "<p>{{if .HasDetails}}</p>\n"}, en(ATOEmailFile), "unexpected EOF"},
		{"unknown field", map[string]string{en(ATOEmailFile): "<p>{{.Username}}</p>\n"}, en(ATOEmailFile), "Username"},
		{"NBSP", map[string]string{en(ATOEmailFile): "<p>Attention\u00a0!</p>{{.When}}{{.Place}}{{.IP}}{{.Device}}{{.DenyLink}}{{.ConfirmLink}}\n"}, en(ATOEmailFile) + " or ", "U+00A0"},
		{"drops the IP", map[string]string{en(ATOEmailFile): "<p>{{.When}} {{.Place}} {{.Device}} {{template \"link\" (.Anchor .DenyLink \"no\")}} {{template \"link\" (.Anchor .ConfirmLink \"yes\")}}</p>\n"}, en(ATOEmailFile), atoSampleIP},
		{"drops the place", map[string]string{en(ATOEmailFile): "<p>{{.When}} {{.IP}} {{.Device}} {{template \"link\" (.Anchor .DenyLink \"no\")}} {{template \"link\" (.Anchor .ConfirmLink \"yes\")}}</p>\n"}, en(ATOEmailFile), "does not show .Place"},
		{"what the sender's renderer lacks", map[string]string{en(ATOEmailFile): "<p>{{printf \"%s\" .AppName}}</p>\n"}, en(ATOEmailFile), "is not implemented by atoprog"},
		{"own text without the links", map[string]string{en(ATOTextFile): "{{.When}} {{.Place}} {{.IP}} {{.Device}}\n"}, en(ATOEmailFile), atoSampleDeny},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tree := copyTree(t)
			for f, data := range c.files {
				if data == "" {
					delete(tree, f)
					continue
				}
				tree[f] = &fstest.MapFile{Data: []byte(data)}
			}
			var got []Finding
			for _, f := range Lint(tree).Findings {
				if f.Rule == LintATO || strings.Contains(f.File, "AccountTakeOver") {
					got = append(got, f)
				}
			}
			if c.file == "" {
				for _, f := range got {
					t.Errorf("unexpected %s", f)
				}
				return
			}
			found := false
			for _, f := range got {
				if strings.HasPrefix(f.File, c.file) && strings.Contains(f.String(), c.want) && f.Severity == Error {
					found = true
				}
			}
			if !found {
				t.Errorf("no error on %s mentioning %q; got %v", c.file, c.want, got)
			}
		})
	}
}

// TestEveryShippedLocaleHasATO: the lint lets a locale go without the account-takeover mail (the
// sender then falls back to the default locale), but every locale this project ships has its own.
func TestEveryShippedLocaleHasATO(t *testing.T) {
	tree, err := Embedded().ATOTree()
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob("*/locale.json")
	if err != nil || len(dirs) < 25 {
		t.Fatalf("%d locale folders (%v); want the 25 shipped", len(dirs), err)
	}
	for _, d := range dirs {
		loc := filepath.Dir(d)
		if _, ok := tree.Locales[loc]; !ok {
			t.Errorf("%s has no %s and %s", loc, ATOSubjectFile, ATOEmailFile)
		}
	}
}

// TestATOGeneratedFileIsCurrent: the sender embeds the ATO files through delivery/ato_gen.go, so a
// template edit without `make generate` would ship the old wording.
func TestATOGeneratedFileIsCurrent(t *testing.T) {
	tree, err := Embedded().ATOTree()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tree.Locales["en"]; !ok {
		t.Fatal("en has no account-takeover files: the sender's last fallback")
	}
	want, err := GenerateATOGo(tree)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", ATOGeneratedFile))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is out of date with templates/: run `make generate` and commit it", ATOGeneratedFile)
	}
}
