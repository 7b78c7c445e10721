package atomail

import (
	"strings"
	"testing"

	"cognito-custom-message/internal/atoprog"
)

// What atoprog does not implement fails Compile (so `make generate`), naming what to change.
func TestCompileRefusesWhatAtoprogLacks(t *testing.T) {
	for _, c := range []struct{ email, want string }{
		{`<p>{{range .IP}}x{{end}}</p>`, "range"},
		{`<p>{{.Username}}</p>`, "Username"},
		{`<p>{{printf "%s" .AppName}}</p>`, "printf"},
		{`<script>var a = {{.AppName}};</script>`, "_html_template_jsvalescaper"},
		{`<p>{{$x := .IP}}{{$x}}</p>`, "$x"},
		{`<p>{{template "detail" .Brand}}</p>`, ".Brand is not implemented"},
		{`<p>{{template "detail" (.Anchor .IP "x")}}</p>`, "prints a struct"},
		{`<p>{{if eq .Action "a" "b"}}x{{end}}</p>`, "eq"},
	} {
		_, err := Compile(tree(c.email))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v; want an error naming %q", c.email, err, c.want)
		}
	}
}

// A compiled tree renders as the html/template Renderer does, here on this package's small trees
// (TestATOCompiledEqualsHTMLTemplate in package templates does every shipped locale).
func TestCompiledRendersAsRenderer(t *testing.T) {
	for _, email := range []string{
		`<p>{{with .IP}}{{template "detail" .}}{{end}}</p>`,
		`<p>{{template "link" (.Anchor .DenyLink "לא אני")}}</p>`,
	} {
		tr := tree(email)
		tr.Brand = Brand{Logo: "https://cdn.example/l.png?a=1&b=2"}
		c, err := Compile(tr)
		if err != nil {
			t.Fatal(err)
		}
		d := Data{AppName: `A&B "C"`, IP: "203.0.113.7 <x>", DenyLink: "https://a.example/x?t=1&u='2'"}
		for _, loc := range []string{"en", "he"} {
			want, err := NewRenderer(tr).Render(loc, d)
			if err != nil {
				t.Fatal(err)
			}
			got, err := atoprog.NewRenderer(c).Render(loc, d)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s %s:\ngot  %+v\nwant %+v", loc, email, got, want)
			}
		}
	}
}
