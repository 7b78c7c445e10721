package templates

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cognito-custom-message/messages"
)

// TestCompiledEqualsRender: for every shipped locale and source, the compiled table renders byte for
// byte what the templates render, with plain, hostile and missing values and several product names,
// with the plain-text part and without it (then Text stays empty).
func TestCompiledEqualsRender(t *testing.T) {
	c := Embedded()
	table, err := c.Table()
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range c.Locales() {
		for _, src := range Sources {
			for _, app := range []string{"Example", messages.Sanitize(`<&>"'+ Ñandú 😀`, messages.MaxAppNameUnits)} {
				for name, d := range worstCaseData() {
					d.AppName, d.Code = app, "{####}"
					for _, link := range []string{"", "{##Click Here##}"} {
						for _, user := range []string{"", "{username}"} {
							for _, text := range []bool{false, true} {
								d.Link, d.Username, d.WantText = link, user, text
								want, err := c.Render(loc, src, d)
								if err != nil {
									t.Fatal(err)
								}
								got, err := table.Render(loc, src, d)
								if err != nil {
									t.Fatal(err)
								}
								if got != want {
									t.Fatalf("%s/%s %s link=%q user=%q text=%t: compiled differs\ngot:  %+v\nwant: %+v", loc, src, name, link, user, text, got, want)
								}
								if (got.Text != "") != text {
									t.Fatalf("%s/%s %s: WantText=%t but Text=%q", loc, src, name, text, got.Text)
								}
							}
						}
					}
				}
			}
		}
	}
}

// TestGeneratedTableIsCurrent fails when messages/sets_gen.go was not regenerated after a template
// changed: the Lambda renders from that file.
func TestGeneratedTableIsCurrent(t *testing.T) {
	table, err := Embedded().Table()
	if err != nil {
		t.Fatal(err)
	}
	want, err := GenerateGo(table)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", GeneratedFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with templates/: run `make generate` and commit it", GeneratedFile)
	}
	if len(messages.Compiled()) != len(table) {
		t.Fatalf("the compiled-in table has %d sets; the templates make %d (rebuild after `make generate`)", len(messages.Compiled()), len(table))
	}
}

func TestCompileRefusesWhatItCannotStandIn(t *testing.T) {
	cases := map[string]string{
		"comparison":       `<p>{{if eq .Name "Bob"}}Hi Bob{{end}}{{template "code" .}}</p>`,
		"function":         `<p>{{printf "%.3s" .Name}}{{template "code" .}}</p>`,
		"length":           `<p>{{if gt (len .Name) 3}}long{{end}}{{template "code" .}}</p>`,
		"whole data":       `<p>{{.}}{{template "code" .}}</p>`,
		"with":             `<p>{{with .Name}}{{.}}{{end}}{{template "code" .}}</p>`,
		"variable":         `<p>{{$n := .Name}}{{$n}}{{template "code" .}}</p>`,
		"root variable":    `<p>{{$.Name}}{{template "code" .}}</p>`,
		"app name sliced":  `<p>{{slice .AppName 0 2}}{{template "code" .}}</p>`,
		"name in a URL":    `<p><a href="https://example.com/?n={{.Name}}">x</a>{{template "code" .}}</p>`,
		"name in script":   `<script>var n = "{{.Name}}";</script><p>{{template "code" .}}</p>`,
		"name in unquoted": `<p title={{.Name}}>{{template "code" .}}</p>`,
		"name in style":    `<p style="color: {{.Name}}">{{template "code" .}}</p>`,
		"app in a URL":     `<p><a href="https://example.com/{{.AppName}}">x</a>{{template "code" .}}</p>`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := New(testTree(map[string]string{"en/SignUp.email.html": body}))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Compile("en", "SignUp", messages.Variant{Name: true})
			if !errors.Is(err, ErrNotCompilable) {
				t.Errorf("Compile = %v; want ErrNotCompilable", err)
			}
			if _, err := c.Table(); !errors.Is(err, ErrNotCompilable) || !strings.Contains(err.Error(), "en/SignUp") {
				t.Errorf("Table = %v; want ErrNotCompilable naming en/SignUp", err)
			}
			if _, err := c.Compile("en", "ForgotPassword", messages.Variant{Name: true}); err != nil {
				t.Errorf("ForgotPassword: %v", err)
			}
		})
	}
	// Printing, and testing for emptiness, compile.
	c, err := New(testTree(map[string]string{"en/SignUp.email.html": `<p title="{{.Name}}">{{if .Name}}Hi {{.Name}}{{else}}Hi{{end}}{{template "code" .}}</p><title>{{.AppName}}</title>`}))
	if err != nil {
		t.Fatal(err)
	}
	tested, err := c.Tested("en", "SignUp")
	if err != nil || tested != (messages.Variant{Name: true}) {
		t.Errorf("Tested = %+v, %v; want Name", tested, err)
	}
	if _, err := c.Table(); err != nil {
		t.Errorf("Table = %v", err)
	}
}

func TestRenderIgnoresSentinelsInNames(t *testing.T) {
	d := messages.Data{Code: "{####}", AppName: "zqCCMappQz", Name: "Eve zqCCMcodeQz zqCCMnameQz"}
	m, err := Embedded().Render("en", "SignUp", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(m.Email, "{####}") != 1 || strings.Contains(m.Email, "zqCCM") {
		t.Errorf("a name posing as a sentinel changed the email")
	}
}
