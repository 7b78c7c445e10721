// Command linttemplates is `make lint-templates`: a readable report over the template tree, and over
// every brand in a brands folder, for the people who edit them, translators and designers. Every
// finding names the file (and line and column where the rule allows) and the rule; a table shows
// what each SMS costs. Exit status 1 on errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"cognito-custom-message/templates"
)

func main() {
	dir := flag.String("dir", "templates", "the template tree")
	appName := flag.String("app-name", templates.DefaultLintAppName, "the product name to measure the SMS with (APP_NAME, the stack's appName)")
	defaultLocale := flag.String("default-locale", templates.DefaultLintLocale, "the locale the others are compared with for untranslated copies (DEFAULT_LOCALE)")
	brandsDir := flag.String("brands", "", "a folder of brands to lint too, each over the template tree (missing: none)")
	flag.Parse()
	r := templates.Lint(os.DirFS(*dir), templates.WithAppName(*appName), templates.WithDefaultLocale(*defaultLocale))
	for i, f := range r.Findings {
		r.Findings[i].File = strings.TrimSuffix(*dir, "/") + "/" + f.File
	}
	errs := report(*dir, r, *appName)
	if *brandsDir != "" {
		n, err := lintBrands(*dir, *brandsDir)
		if err != nil {
			fmt.Println(err)
			n++
		}
		errs += n
	}
	if errs > 0 {
		os.Exit(1)
	}
}

// lintBrands lints each brand's merged tree with its own product name and locales.
func lintBrands(dir, brandsDir string) (int, error) {
	if _, err := os.Stat(brandsDir); errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	base := os.DirFS(dir)
	brands, err := templates.LoadBrands(os.DirFS(brandsDir), base)
	if err != nil {
		return 0, err
	}
	errs := 0
	for _, b := range brands {
		own := filepath.Join(brandsDir, b.Name)
		fmt.Printf("\n== brand %s (%s), locales %s\n", b.Name, b.Config.AppName, strings.Join(b.Catalog.Locales(), ", "))
		errs += report(own, templates.LintBrand(b, own, base, dir), b.Config.AppName)
	}
	return errs, nil
}

// report prints the findings of the tree in where and the SMS costs; it returns the number of errors.
func report(where string, r templates.Report, appName string) int {
	for _, f := range r.Findings {
		fmt.Println(f)
	}
	if len(r.Findings) > 0 {
		fmt.Println()
	}
	if appName == "" {
		appName = templates.DefaultLintAppName
	}
	fmt.Printf("SMS cost with app name %q, a 6-digit code (invitations: a %d-character temporary password and a 12-character username):\n",
		appName, templates.TemporaryPasswordLength)
	fmt.Printf("  %-8s %-20s %5s  %-6s %s\n", "locale", "source", "chars", "enc", "segments")
	for _, c := range r.SMS {
		mark := ""
		if c.Segments > 1 {
			mark = "  <- more than one segment"
		}
		fmt.Printf("  %-8s %-20s %5d  %-6s %d%s\n", c.Locale, c.Source, c.Chars, c.Encoding, c.Segments, mark)
	}
	errs := r.Errors()
	fmt.Printf("\n%d errors, %d warnings in %s\n", errs, len(r.Findings)-errs, where)
	return errs
}
