package main

import (
	"fmt"
	"io"
	"io/fs"

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
