package templates

import (
	"fmt"
	"path"
	"strings"

	"cognito-custom-message/internal/atomail"
	"cognito-custom-message/messages"
)

// LintATO is the rule for the account-takeover files (atomail): both or neither, parsed, and
// rendered through the sender's own renderer for every action, with and without details and links.
const LintATO = "ato"

// Sample values the ATO lint renders with: the longest the sender lets through (delivery's
// maxDetail) and one of each kind, so that a template that drops a value is caught.
const (
	atoSampleWhen   = "2026-12-02 01:23 UTC"
	atoSampleIP     = "2001:db8:85a3:1234:5678:8a2e:370:7334"
	atoSampleDeny   = "https://example.auth.eu-west-1.amazoncognito.com/deny?token=T1"
	atoSampleAllow  = "https://example.auth.eu-west-1.amazoncognito.com/allow?token=T2"
	atoSamplePlace  = "Saint-Rémy-de-Provence, Provence-Alpes-Côte d'Azur, France"
	atoSampleDevice = "Firefox 133 on Windows 11 (x86_64), Mozilla Desktop Edition +++"
)

// lintATO checks one locale's ATO files. A locale may lack both (its translation has not landed;
// the sender falls back to the default locale), not one of them.
func lintATO(c *Catalog, loc, appName string, add addFunc) {
	subj, email := path.Join(loc, ATOSubjectFile), path.Join(loc, ATOEmailFile)
	hasSubj, hasEmail := fileExists(c.fsys, subj), fileExists(c.fsys, email)
	switch {
	case !hasSubj && !hasEmail:
		return
	case !hasSubj:
		add(Error, subj, 0, 0, LintMissingFile, "missing: %s needs its subject too", email)
		return
	case !hasEmail:
		add(Error, email, 0, 0, LintMissingFile, "missing: %s needs its email too", subj)
		return
	}
	l, _, err := c.atoLocale(loc)
	if err != nil {
		add(Error, path.Join(loc, atomail.Source), 0, 0, LintATO, "%s", strings.TrimPrefix(err.Error(), "templates: "))
		return
	}
	if strings.Contains(strings.TrimRight(l.Subject, "\n"), "\n") {
		add(Error, subj, 0, 0, LintATO, "the subject is one line")
	}
	layout, err := c.read(".", LayoutFile)
	if err != nil {
		return // reported as a missing layout
	}
	tree := atomail.Tree{Layout: layout, Brand: c.atoBrand(), Locales: map[string]atomail.Locale{loc: l}}
	r := atomail.NewRenderer(tree)
	seen := map[string]bool{} // one finding per rule and file
	report := func(file, format string, args ...any) {
		if key := file + format; !seen[key] {
			seen[key] = true
			add(Error, file, 0, 0, LintATO, format, args...)
		}
	}
	// The sender runs the compiled programs, not html/template: a construct the compiler refuses
	// would fail `make generate`, so the translator hears of it here first.
	if _, err := r.Render(loc, atomail.Data{AppName: appName}); err == nil {
		if _, err := atomail.Compile(tree); err != nil {
			report(email, "%s (the sender's compiled renderer does not implement it)", strings.TrimPrefix(err.Error(), "atomail: "))
			return
		}
	}
	for _, action := range []string{atomail.ActionBlocked, atomail.ActionChallenged, atomail.ActionNeutral} {
		for _, full := range []bool{true, false} {
			d := atomail.Data{AppName: appName, Action: action}
			if full {
				d.When, d.Place, d.IP, d.Device = atoSampleWhen, atoSamplePlace, atoSampleIP, atoSampleDevice
				d.DenyLink, d.ConfirmLink = atoSampleDeny, atoSampleAllow
			}
			name := fmt.Sprintf("action %q, %s", action, map[bool]string{true: "every detail and link", false: "no detail or link"}[full])
			m, err := r.Render(loc, d)
			if err != nil {
				file, _ := errorPosition(err)
				if file == "" {
					file = email
				}
				report(file, "%s (with %s)", stripPosition(err), name)
				return
			}
			switch {
			case m.Subject == "":
				report(subj, "the subject is empty with %s", name)
			case strings.Contains(m.Subject, "\n"):
				report(subj, "the subject renders as more than one line with %s", name)
			case messages.UTF16Len(m.Subject) > messages.MaxSubject:
				report(subj, "the subject is %d UTF-16 units with %s (at most %d, as every subject)", messages.UTF16Len(m.Subject), name, messages.MaxSubject)
			}
			// The same character rules as the other messages: what Cognito refuses (NBSP, bidi
			// controls, soft hyphens …) is no better in a mail this function sends itself.
			for part, text := range map[string]string{subj: m.Subject, email + " or " + LayoutFile + " or " + path.Join(loc, FooterFile): m.HTML} {
				for _, ch := range text {
					if !messages.Accepted(ch) {
						report(part, "%U %s renders outside Cognito's accepted characters%s", ch, runeName(ch), charHint(ch))
						break
					}
				}
			}
			if !full {
				continue
			}
			// A translation that drops a value hides what the owner needs to judge the sign-in.
			for _, v := range []string{atoSampleWhen, atoSampleIP, atoSampleDevice, atoSampleDeny, atoSampleAllow} {
				if !strings.Contains(m.Text, v) {
					report(email, "the mail does not show %q with %s: use .When, .Place, .IP, .Device, .DenyLink and .ConfirmLink", v, name)
				}
			}
			if !strings.Contains(m.Text, "Saint-Rémy-de-Provence") {
				report(email, "the mail does not show .Place with %s", name)
			}
		}
	}
}
