// Command preview is `make preview`: it renders every locale × trigger source from the template
// files in the working tree, with realistic sample data and the placeholders filled in as Cognito
// would, into build/preview/: one HTML file per email, a PNG screenshot of each taken with headless
// Chromium, and an index.html gallery with subject, email and SMS per locale side by side, with
// their character and SMS segment counts; with -brands, the same per brand in build/preview/brands/.
package main

import (
	"flag"
	"fmt"
	"html/template"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/language"

	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

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
	brandsDir := flag.String("brands", "", "a folder of brands: a gallery each, in OUT/brands/<brand>/ (missing: none)")
	locales := flag.String("locales", "", "comma-separated locales to render (default: all)")
	only := flag.String("only-brands", "", "comma-separated brands of -brands to render (default: all)")
	flag.Parse()
	if err := run(*dir, *out, *chromium, *brandsDir, subset(*locales), subset(*only)); err != nil {
		fmt.Fprintln(os.Stderr, "preview:", err)
		os.Exit(1)
	}
}

// book is one gallery: the unbranded messages, or one brand's.
type book struct {
	Brand, AppName string
	Dir            string // where its files go
	Locales        []string
	Cards          []card
	Brands         []book // in the unbranded gallery: links to the brands' ones
	Link           string // from the unbranded gallery's folder
}

// subset is a comma-separated list as a set; nil (everything) when empty.
func subset(list string) map[string]bool {
	if list == "" {
		return nil
	}
	m := map[string]bool{}
	for v := range strings.SplitSeq(list, ",") {
		if v = strings.TrimSpace(v); v != "" {
			m[v] = true
		}
	}
	return m
}

// pick keeps the values of all that want has (all of them when want is nil).
func pick(all []string, want map[string]bool) []string {
	if want == nil {
		return all
	}
	var out []string
	for _, v := range all {
		if want[v] {
			out = append(out, v)
		}
	}
	return out
}

func run(dir, out, chromium, brandsDir string, locales, only map[string]bool) error {
	base := os.DirFS(dir)
	c, err := templates.New(base)
	if err != nil {
		return err
	}
	for l := range locales {
		if !c.HasLocale(l) {
			return fmt.Errorf("LOCALES: %q is not a locale of %s (%s)", l, dir, strings.Join(c.Locales(), ","))
		}
	}
	books := []*book{{AppName: appName, Dir: out, Locales: pick(c.Locales(), locales)}}
	catalogs := []*templates.Catalog{c}
	if brandsDir != "" {
		brands, err := templates.LoadBrands(os.DirFS(brandsDir), base)
		if err != nil {
			return err
		}
		var names []string
		for _, b := range brands {
			names = append(names, b.Name)
		}
		for n := range only {
			if !slices.Contains(names, n) {
				return fmt.Errorf("BRANDS: %q is not a brand of %s (%s)", n, brandsDir, strings.Join(names, ","))
			}
		}
		for _, b := range brands {
			if only != nil && !only[b.Name] {
				continue
			}
			books = append(books, &book{Brand: b.Name, AppName: b.Config.AppName, Dir: filepath.Join(out, "brands", b.Name),
				Locales: pick(b.Catalog.Locales(), locales), Link: "brands/" + b.Name + "/index.html"})
			catalogs = append(catalogs, b.Catalog)
		}
	}
	var shots []string // every email, for the screenshots
	for i, bk := range books {
		if err := render(catalogs[i], bk); err != nil {
			return fmt.Errorf("%s: %w", bk.AppName, err)
		}
		for _, cd := range bk.Cards {
			shots = append(shots, filepath.Join(bk.Dir, cd.EmailFile))
		}
	}
	if chromium != "" {
		if err := screenshots(chromium, shots); err != nil {
			return err
		}
	}
	for i := len(books) - 1; i >= 0; i-- { // brands first: the unbranded gallery links to them
		bk := books[i]
		if chromium != "" {
			for j := range bk.Cards {
				bk.Cards[j].Screenshot = strings.TrimSuffix(bk.Cards[j].EmailFile, ".html") + ".png"
			}
		}
		if i == 0 {
			for _, b := range books[1:] {
				bk.Brands = append(bk.Brands, *b)
			}
		}
		f, err := os.Create(filepath.Join(bk.Dir, "index.html"))
		if err != nil {
			return err
		}
		err = gallery.Execute(f, map[string]any{"Book": bk, "Sources": templates.Sources, "Password": templates.SamplePassword})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d emails", len(shots))
	if chromium != "" {
		fmt.Printf(" and %d screenshots", len(shots))
	}
	fmt.Printf(" (%d galleries) to %s; open %s\n", len(books), out, filepath.Join(out, "index.html"))
	return nil
}

// render writes one gallery's emails and collects their cards.
func render(c *templates.Catalog, bk *book) error {
	fill := strings.NewReplacer("{####}", code, "{username}", username,
		"{##Click Here##}", `<a href="https://example.com/confirm?code=`+code+`">Click Here</a>`)
	// An invitation's code placeholder becomes a temporary password, as long as the stack's policy
	// asks: the gallery's SMS counts are then those of the message people receive.
	invitation := strings.NewReplacer("{####}", templates.SamplePassword, "{username}", username)
	for _, src := range templates.Sources {
		fill := fill
		if src == "AdminCreateUser" {
			fill = invitation
		}
		for _, loc := range bk.Locales {
			d := messages.Data{Code: "{####}", AppName: bk.AppName}
			if messages.MayGreet(src) {
				cfg, err := c.LocaleConfig(loc)
				if err != nil {
					return err
				}
				d.Name = cfg.SampleName // the handler greets by name only there
			}
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
			if err := os.MkdirAll(filepath.Join(bk.Dir, loc), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(bk.Dir, file), []byte(fill.Replace(m.Email)), 0o644); err != nil {
				return err
			}
			sms := fill.Replace(m.SMS)
			chars, enc, segs := templates.SMSSegments(sms)
			bk.Cards = append(bk.Cards, card{
				Locale: loc, Source: src, Dir: templates.Direction(tagOf(loc)),
				Subject: m.Subject, SMS: sms, EmailFile: filepath.ToSlash(file),
				EmailChars: messages.UTF16Len(m.Email), SMSChars: chars, SMSSegments: segs, SMSEncoding: enc,
			})
		}
	}
	return nil
}

// screenshots renders each email with headless Chromium, two at a time, offline and with a fresh
// profile per run.
func screenshots(chromium string, emails []string) error {
	profile, err := os.MkdirTemp("", "preview-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	jobs := make(chan string)
	errs := make(chan error, len(emails))
	var done atomic.Int32
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for email := range jobs {
				abs, err := filepath.Abs(email)
				if err != nil {
					errs <- err
					continue
				}
				png := strings.TrimSuffix(abs, ".html") + ".png"
				cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
					"--disable-sync", "--hide-scrollbars", "--user-data-dir="+filepath.Join(profile, fmt.Sprint(w)),
					"--window-size=640,760", "--screenshot="+png, "file://"+abs)
				if b, err := cmd.CombinedOutput(); err != nil {
					errs <- fmt.Errorf("screenshot %s: %v\n%s", email, err, b)
					continue
				}
				if _, err := os.Stat(png); err != nil {
					errs <- fmt.Errorf("screenshot %s: no PNG written", email)
				}
				if n := done.Add(1); n%20 == 0 || int(n) == len(emails) {
					fmt.Printf("screenshots: %d of %d (%s)\n", n, len(emails), time.Since(start).Round(time.Second))
				}
			}
		}(w)
	}
	for _, e := range emails {
		jobs <- e
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
<h1>Message preview{{with .Book.Brand}}: brand {{.}}{{end}}</h1>
<p>Every locale × trigger source{{with .Book.Brand}} of brand {{.}}{{end}}, rendered from the template files with sample data; the code is
` + code + ` (in invitations a temporary password, {{.Password}}), the username ` + username + `, the product name {{.Book.AppName}}. Click a screenshot for the email itself.</p>
{{with .Book.Brands}}<p>Brands: {{range .}}<a href="{{.Link}}">{{.Brand}} ({{.AppName}})</a> {{end}}</p>{{end}}
<nav>{{range .Sources}}<a href="#{{.}}">{{.}}</a>{{end}}</nav>
{{range $src := .Sources}}
<h2 id="{{$src}}">{{$src}}</h2>
<div class="row">
{{range $.Book.Cards}}{{if eq .Source $src}}
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
