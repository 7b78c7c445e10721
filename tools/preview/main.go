// Command preview is `make preview`: it renders every locale × trigger source from the template
// files in the working tree, with realistic sample data and the placeholders filled in as Cognito
// would, into build/preview/: one HTML file per email, a PNG screenshot of each taken with headless
// Chromium, and an index.html gallery with subject, email and SMS per locale side by side, with
// their character and SMS segment counts.
package main

import (
	"flag"
	"fmt"
	"html/template"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

// Sample people, one per locale, so each preview reads as a real message would.
var names = map[string]string{
	"ar": "ليلى", "de": "Lena", "en": "Sam", "es": "Lucía", "fr": "Camille", "it": "Giulia",
	"ja": "山田 太郎", "pt-BR": "João", "zh-Hans": "王芳",
}

const (
	code     = "493817"
	username = "lena.schmidt"
	appName  = "Example"
)

type card struct {
	Locale, Source, Dir   string
	Subject, SMS          string
	EmailFile, Screenshot string
	EmailChars            int
	SMSChars, SMSSegments int
	SMSEncoding           string
}

func main() {
	dir := flag.String("templates", "templates", "the template tree")
	out := flag.String("out", "build/preview", "where to write the preview")
	chromium := flag.String("chromium", "chromium", "the Chromium binary; empty: no screenshots")
	flag.Parse()
	if err := run(*dir, *out, *chromium); err != nil {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
}

func run(dir, out, chromium string) error {
	c, err := templates.New(os.DirFS(dir))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	fill := strings.NewReplacer("{####}", code, "{username}", username,
		"{##Click Here##}", `<a href="https://example.com/confirm?code=`+code+`">Click Here</a>`)
	// An invitation's code placeholder becomes a temporary password, as long as the stack's policy
	// asks: the gallery's SMS counts are then those of the message people receive.
	invitation := strings.NewReplacer("{####}", templates.SamplePassword, "{username}", username)
	var cards []card
	for _, src := range templates.Sources {
		fill := fill
		if src == "AdminCreateUser" {
			fill = invitation
		}
		for _, loc := range c.Locales() {
			d := messages.Data{Code: "{####}", Name: names[loc], AppName: appName}
			if src == "AdminCreateUser" {
				d.Username = "{username}"
			}
			if src == "SignUp" || src == "ResendCode" {
				d.Link = "{##Click Here##}"
			}
			m, err := c.Render(loc, src, d)
			if err != nil {
				return err
			}
			file := filepath.Join(loc, src+".html")
			if err := os.MkdirAll(filepath.Join(out, loc), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, file), []byte(fill.Replace(m.Email)), 0o644); err != nil {
				return err
			}
			sms := fill.Replace(m.SMS)
			chars, enc, segs := templates.SMSSegments(sms)
			cards = append(cards, card{
				Locale: loc, Source: src, Dir: templates.Direction(tagOf(loc)),
				Subject: m.Subject, SMS: sms, EmailFile: filepath.ToSlash(file),
				EmailChars: messages.UTF16Len(m.Email), SMSChars: chars, SMSSegments: segs, SMSEncoding: enc,
			})
		}
	}
	if chromium != "" {
		if err := screenshots(chromium, out, cards); err != nil {
			return err
		}
		for i := range cards {
			cards[i].Screenshot = strings.TrimSuffix(cards[i].EmailFile, ".html") + ".png"
		}
	}
	f, err := os.Create(filepath.Join(out, "index.html"))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := gallery.Execute(f, map[string]any{"Cards": cards, "Sources": templates.Sources, "Locales": c.Locales(), "Password": templates.SamplePassword}); err != nil {
		return err
	}
	fmt.Printf("wrote %d emails", len(cards))
	if chromium != "" {
		fmt.Printf(" and %d screenshots", len(cards))
	}
	fmt.Printf(" to %s; open %s\n", out, filepath.Join(out, "index.html"))
	return nil
}

// screenshots renders each email with headless Chromium, two at a time, offline and with a fresh
// profile per run.
func screenshots(chromium, out string, cards []card) error {
	profile, err := os.MkdirTemp("", "preview-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	jobs := make(chan card)
	errs := make(chan error, len(cards))
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for c := range jobs {
				png := filepath.Join(abs, strings.TrimSuffix(c.EmailFile, ".html")+".png")
				cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--hide-scrollbars", "--user-data-dir="+filepath.Join(profile, fmt.Sprint(w)),
					"--window-size=640,760", "--screenshot="+png, "file://"+filepath.Join(abs, c.EmailFile))
				if b, err := cmd.CombinedOutput(); err != nil {
					errs <- fmt.Errorf("screenshot %s: %v\n%s", c.EmailFile, err, b)
					continue
				}
				if _, err := os.Stat(png); err != nil {
					errs <- fmt.Errorf("screenshot %s: no PNG written", c.EmailFile)
				}
			}
		}(w)
	}
	for _, c := range cards {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	close(errs)
	return <-errs
}

var gallery = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cognito-custom-message: message preview</title>
<style>
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 24px; background: #f9fafb; color: #111827; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 40px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
nav a { margin-right: 12px; }
.row { display: flex; gap: 16px; overflow-x: auto; padding-bottom: 8px; }
.card { flex: 0 0 340px; background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 12px; }
.locale { font-weight: bold; font-size: 13px; color: #6b7280; }
.subject { font-weight: bold; margin: 6px 0; }
.card img { width: 100%; border: 1px solid #e5e7eb; border-radius: 4px; }
.sms { background: #ecfdf5; border-radius: 12px; padding: 8px 10px; margin-top: 8px; font-size: 14px; }
.meta { font-size: 12px; color: #6b7280; margin-top: 4px; }
.warn { color: #b45309; font-weight: bold; }
</style>
</head>
<body>
<h1>Message preview</h1>
<p>Every locale × trigger source, rendered from the template files with sample data; the code is
` + code + ` (in invitations a temporary password, {{.Password}}), the username ` + username + `, the product name ` + appName + `. Click a screenshot for the email itself.</p>
<nav>{{range .Sources}}<a href="#{{.}}">{{.}}</a>{{end}}</nav>
{{range $src := .Sources}}
<h2 id="{{$src}}">{{$src}}</h2>
<div class="row">
{{range $.Cards}}{{if eq .Source $src}}
<div class="card">
<div class="locale">{{.Locale}}</div>
<div class="subject" dir="{{.Dir}}">{{.Subject}}</div>
<a href="{{.EmailFile}}">{{if .Screenshot}}<img src="{{.Screenshot}}" alt="{{.Locale}} {{.Source}} email">{{else}}open the email{{end}}</a>
<div class="meta">email: {{.EmailChars}} of 20,000 characters</div>
<div class="sms" dir="{{.Dir}}">{{.SMS}}</div>
<div class="meta">SMS: {{.SMSChars}} characters, {{.SMSEncoding}}, {{if gt .SMSSegments 1}}<span class="warn">{{.SMSSegments}} segments</span>{{else}}{{.SMSSegments}} segment{{end}}</div>
</div>
{{end}}{{end}}
</div>
{{end}}
</body>
</html>
`))

func tagOf(loc string) language.Tag { return language.MustParse(loc) }
