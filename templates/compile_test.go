package templates

import (
	"errors"
	"strings"
	"testing"
)

// TestCompiledEqualsRender: for every shipped locale, source and variant, the compiled set renders
// byte for byte what the templates render, with plain, hostile and missing values.
func TestCompiledEqualsRender(t *testing.T) {
	c := Embedded()
	for _, loc := range c.Locales() {
		for _, src := range Sources {
			for _, app := range []string{"Example", Sanitize(`<&>"'+ Ñandú 😀`, maxAppName)} {
				for name, d := range worstCaseData() {
					d.AppName = app
					d.Code = "{####}"
					for _, link := range []string{"", "{##Click Here##}"} {
						for _, user := range []string{"", "{username}"} {
							d.Link, d.Username = link, user
							v := Variant{Name: d.Name != "", Link: link != "", Username: user != ""}
							cm, err := c.Compile(loc, src, app, v)
							if err != nil {
								t.Fatalf("%s/%s %+v: %v", loc, src, v, err)
							}
							want, err := c.Render(loc, src, d)
							if err != nil {
								t.Fatal(err)
							}
							if got := cm.Render(d); got != want {
								t.Fatalf("%s/%s %s %+v: compiled differs\ngot:  %+v\nwant: %+v", loc, src, name, v, got, want)
							}
						}
					}
				}
			}
		}
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
		"name in a URL":    `<p><a href="https://example.com/?n={{.Name}}">x</a>{{template "code" .}}</p>`,
		"name in script":   `<script>var n = "{{.Name}}";</script><p>{{template "code" .}}</p>`,
		"name in unquoted": `<p title={{.Name}}>{{template "code" .}}</p>`,
		"name in style":    `<p style="color: {{.Name}}">{{template "code" .}}</p>`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			c, err := New(testTree(map[string]string{"en/SignUp.email.html": body}))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Compile("en", "SignUp", "App", Variant{Name: true})
			if !errors.Is(err, ErrNotCompilable) {
				t.Errorf("Compile = %v; want ErrNotCompilable", err)
			}
			// Render still works, and other sources still compile.
			if _, err := c.Render("en", "SignUp", Data{Code: "{####}", Name: "Bob", AppName: "App"}); err != nil && !strings.Contains(err.Error(), "ZgotmplZ") {
				t.Logf("Render: %v", err)
			}
			if _, err := c.Compile("en", "ForgotPassword", "App", Variant{Name: true}); err != nil {
				t.Errorf("ForgotPassword: %v", err)
			}
		})
	}
	// Printing and testing for emptiness compile.
	c, err := New(testTree(map[string]string{"en/SignUp.email.html": `<p title="{{.Name}}">{{if .Name}}Hi {{.Name}}{{else}}Hi{{end}}{{template "code" .}}</p>`}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile("en", "SignUp", "App", Variant{Name: true}); err != nil {
		t.Errorf("Compile = %v", err)
	}
}

func TestRenderIgnoresSentinelsInNames(t *testing.T) {
	d := Data{Code: "{####}", AppName: "Example", Name: "Eve zqCCMcodeQz zqCCMnameQz"}
	m, err := Embedded().Render("en", "SignUp", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(m.Email, "{####}") != 1 || strings.Contains(m.Email, "zqCCM") {
		t.Errorf("a name posing as a sentinel changed the email")
	}
}
