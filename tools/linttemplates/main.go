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
	flag.Parse()
	r := templates.Lint(os.DirFS(*dir))
	for _, f := range r.Findings {
		f.File = strings.TrimSuffix(*dir, "/") + "/" + f.File
		fmt.Println(f)
	}
	if len(r.Findings) > 0 {
		fmt.Println()
	}
	fmt.Printf("SMS cost with a 6-digit code, app name %q and a 12-character username:\n", "Example")
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
