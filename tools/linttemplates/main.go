// Command linttemplates is `make lint-templates`: a readable report over the template tree for the
// people who edit it, translators and designers. Every finding names the file (and line and column
// where the rule allows) and the rule; a table shows what each SMS costs. Exit status 1 on errors.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"cognito-custom-message/templates"
)

func main() {
	dir := flag.String("dir", "templates", "the template tree")
	appName := flag.String("app-name", templates.DefaultLintAppName, "the product name to measure the SMS with (APP_NAME, the stack's appName)")
	flag.Parse()
	r := templates.Lint(os.DirFS(*dir), templates.WithAppName(*appName))
	for _, f := range r.Findings {
		f.File = strings.TrimSuffix(*dir, "/") + "/" + f.File
		fmt.Println(f)
	}
	if len(r.Findings) > 0 {
		fmt.Println()
	}
	name := *appName
	if name == "" {
		name = templates.DefaultLintAppName
	}
	fmt.Printf("SMS cost with app name %q, a 6-digit code (invitations: a %d-character temporary password and a 12-character username):\n",
		name, templates.TemporaryPasswordLength)
	fmt.Printf("  %-8s %-20s %5s  %-6s %s\n", "locale", "source", "chars", "enc", "segments")
	for _, c := range r.SMS {
		mark := ""
		if c.Segments > 1 {
			mark = "  <- more than one segment"
		}
		fmt.Printf("  %-8s %-20s %5d  %-6s %d%s\n", c.Locale, c.Source, c.Chars, c.Encoding, c.Segments, mark)
	}
	errs := r.Errors()
	fmt.Printf("\n%d errors, %d warnings in %s\n", errs, len(r.Findings)-errs, *dir)
	if errs > 0 {
		os.Exit(1)
	}
}
