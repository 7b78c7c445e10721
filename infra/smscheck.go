package main

import (
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

// checkSMS measures every SMS the function sends with the stack's product name, as
// `make lint-templates APP_NAME=…` does: a message billed as more than one segment is printed as a
// warning, one over Cognito's 140 characters fails the synth. The templates are the ones compiled
// into the function (a test keeps messages/sets_gen.go in step with them).
func checkSMS(fsys fs.FS, appName string, w io.Writer) error {
	r, err := templates.SMSReport(fsys, templates.WithAppName(appName))
	if err != nil {
		return err
	}
	for _, f := range r.Findings {
		f.File = "templates/" + f.File
		fmt.Fprintln(w, f)
	}
	if n := r.Errors(); n > 0 {
		return fmt.Errorf("%d SMS over Cognito's %d characters with %s %q (listed above): shorten the product name or the templates",
			n, messages.MaxSMS, KeyAppName, appName)
	}
	return nil
}

// checkBrands lints every configured brand over the shipped templates, as `make lint-templates
// BRANDS_DIR=…` does: warnings (an SMS of more than one segment) are printed, any error — a missing
// placeholder, a limit, a character Cognito rejects, a name where the recipient is unproven — fails
// the synth, naming the brand's file.
func checkBrands(b BrandsConfig, w io.Writer) error {
	errs := 0
	for _, br := range b.Brands {
		r := templates.LintBrand(br, filepath.Join(b.Dir, br.Name), templates.Files(), "templates")
		for _, f := range r.Findings {
			fmt.Fprintln(w, f)
		}
		errs += r.Errors()
	}
	if errs > 0 {
		return fmt.Errorf("%d errors in the brands of %s %q (listed above): fix them, or see `make lint-templates BRANDS_DIR=%s`", errs, KeyBrandsDir, b.Dir, b.Dir)
	}
	return nil
}
