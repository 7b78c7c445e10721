package templates

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	texttemplate "text/template"
	"text/template/parse"

	"golang.org/x/text/language"

	"cognito-custom-message/messages"
)

// Sources are the trigger sources every locale has files for (messages.Sources).
var Sources = messages.Sources

// File names inside a locale folder. LayoutFile sits at the root and is shared by every locale.
const (
	LayoutFile = "layout.html"
	FooterFile = "footer.html"
	// LocaleFile is optional: what a locale declares about itself (LocaleConfig).
	LocaleFile = "locale.json"
)

// FileName returns the file that holds part of source's message in a locale folder.
func FileName(source string, part messages.Part) string {
	switch part {
	case messages.PartSubject:
		return source + ".subject.txt"
	case messages.PartSMS:
		return source + ".sms.txt"
	default:
		return source + ".email.html"
	}
}

//go:embed layout.html */*.html */*.txt */*.json
var embedded embed.FS

// Files returns the embedded template tree, for tools that lint or preview it.
func Files() fs.FS { return embedded }

// view adds what the layout needs about the locale and the brand to the caller's data.
type view struct {
	messages.Data
	Lang  string
	Dir   string // "ltr" or "rtl"
	Align string // "left" or "right", for clients that ignore dir
	Brand BrandView
	// Cut marks where the layout hands over to the body and the footer, so that Compile can store
	// those pieces once for every set that shares them; false in every real render.
	Cut bool
}

// Catalog is the set of locales found in a template tree and their lazily parsed templates.
// It is safe for concurrent use.
type Catalog struct {
	fsys    fs.FS
	locales []string
	brand   BrandView

	layoutOnce sync.Once
	layout     *htmltemplate.Template
	layoutErr  error

	mu      sync.Mutex
	sets    map[string]*set // by locale + "/" + source
	configs map[string]*localeConfig
}

type localeConfig struct {
	once sync.Once
	cfg  LocaleConfig
	err  error
}

type set struct {
	once    sync.Once
	subject *texttemplate.Template
	email   *htmltemplate.Template
	sms     *texttemplate.Template
	text    *texttemplate.Template // the locale's or brand's own plain text; nil: made from the email
	dir     string
	err     error
	// simple reports that the templates use the per-user values only by printing them or testing
	// them for emptiness, which Compile needs (see simpleUse).
	simple bool
	tested messages.Variant // the optional values the templates test with {{if}}
	brand  BrandView
}

var (
	embeddedOnce    sync.Once
	embeddedCatalog *Catalog
)

// Embedded returns the catalog compiled into the binary. Its files are immutable and proven by the
// package tests, so nothing is parsed here: each locale and source is parsed the first time it is
// rendered, which keeps the Lambda's cold start to the one message it sends.
func Embedded() *Catalog {
	embeddedOnce.Do(func() {
		c, err := New(embedded)
		if err != nil {
			// Only reachable if the embedded tree itself is broken, which the tests rule out.
			panic(err)
		}
		embeddedCatalog = c
	})
	return embeddedCatalog
}

// New discovers the locales of a template tree: every top-level folder whose name is a canonical
// BCP 47 tag ("de", "pt-BR", "zh-Hans"). Other folders are ignored. Files are read on first use.
func New(fsys fs.FS) (*Catalog, error) { return newCatalog(fsys, nil, BrandView{}) }

// newCatalog is New for a brand: only the given locales (nil: every folder) and the brand's values
// in the layout.
func newCatalog(fsys fs.FS, locales []string, brand BrandView) (*Catalog, error) {
	c := &Catalog{fsys: fsys, sets: map[string]*set{}, configs: map[string]*localeConfig{}, brand: brand}
	if locales != nil {
		c.locales = slices.Sorted(slices.Values(locales))
		return c, nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("templates: read root: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		tag, err := language.Parse(e.Name())
		if err != nil || tag.String() != e.Name() {
			continue
		}
		c.locales = append(c.locales, e.Name())
	}
	if len(c.locales) == 0 {
		return nil, fmt.Errorf("templates: no locale folders found")
	}
	sort.Strings(c.locales)
	return c, nil
}

// Locales returns the locale folder names, sorted.
func (c *Catalog) Locales() []string { return append([]string(nil), c.locales...) }

// HasLocale reports whether locale is one of the catalog's folders.
func (c *Catalog) HasLocale(locale string) bool {
	i := sort.SearchStrings(c.locales, locale)
	return i < len(c.locales) && c.locales[i] == locale
}

// HasSource reports whether the catalog has wording for a trigger source ("SignUp", …).
func HasSource(source string) bool { return messages.HasSource(source) }

// Load parses the templates for one locale and source, once; later calls return the same result.
func (c *Catalog) Load(locale, source string) error {
	_, err := c.load(locale, source)
	return err
}

func (c *Catalog) load(locale, source string) (*set, error) {
	if !c.HasLocale(locale) {
		return nil, fmt.Errorf("templates: unknown locale %q", locale)
	}
	if !HasSource(source) {
		return nil, fmt.Errorf("templates: unknown source %q", source)
	}
	key := locale + "/" + source
	c.mu.Lock()
	s := c.sets[key]
	if s == nil {
		s = &set{}
		c.sets[key] = s
	}
	c.mu.Unlock()
	s.once.Do(func() { s.brand = c.brand; s.err = c.parse(s, locale, source) })
	return s, s.err
}

func (c *Catalog) parse(s *set, locale, source string) error {
	var err error
	if s.subject, err = c.parseText(locale, FileName(source, messages.PartSubject)); err != nil {
		return err
	}
	if s.sms, err = c.parseText(locale, FileName(source, messages.PartSMS)); err != nil {
		return err
	}
	if _, err := fs.Stat(c.fsys, path.Join(locale, TextFileName(source))); err == nil {
		if s.text, err = c.parseText(locale, TextFileName(source)); err != nil {
			return err
		}
	}
	layout, err := c.loadLayout()
	if err != nil {
		return err
	}
	// One html/template set per locale and source: ParseFS would name every body after its base name
	// and let one locale's file silently replace another's.
	email, err := layout.Clone()
	if err != nil {
		return fmt.Errorf("templates: clone layout: %w", err)
	}
	for _, f := range []struct{ name, file string }{{"footer", FooterFile}, {"content", FileName(source, messages.PartEmail)}} {
		src, err := c.read(locale, f.file)
		if err != nil {
			return err
		}
		name := path.Join(locale, f.file)
		if _, err := email.New(name).Parse(src); err != nil {
			return fmt.Errorf("templates: %w", err)
		}
		// The layout calls "footer" and "content"; parsing the file under its own path keeps that path
		// in every parse and execution error, so a translator sees which file to fix.
		alias := fmt.Sprintf("{{define %q}}{{if .Cut}}%s{{end}}{{template %q .}}{{if .Cut}}%[2]s{{end}}{{end}}", f.name, sentinelCut, name)
		if _, err := email.Parse(alias); err != nil {
			return fmt.Errorf("templates: %s: %w", name, err)
		}
	}
	s.email = email
	s.dir = Direction(language.MustParse(locale))
	trees := s.trees()
	s.simple = simpleUse(trees...)
	s.tested = testedFields(trees...)
	return nil
}

// trees are the parse trees of every template one locale and source execute: subject, SMS, and the
// email's layout, footer and body.
func (s *set) trees() []*parse.Tree {
	var trees []*parse.Tree
	for _, t := range append(s.subject.Templates(), s.sms.Templates()...) {
		trees = append(trees, t.Tree)
	}
	if s.text != nil {
		for _, t := range s.text.Templates() {
			trees = append(trees, t.Tree)
		}
	}
	for _, t := range s.email.Templates() {
		trees = append(trees, t.Tree)
	}
	return trees
}

func (c *Catalog) loadLayout() (*htmltemplate.Template, error) {
	c.layoutOnce.Do(func() {
		src, err := fs.ReadFile(c.fsys, LayoutFile)
		if err != nil {
			c.layoutErr = fmt.Errorf("templates: %w", err)
			return
		}
		c.layout, c.layoutErr = htmltemplate.New(LayoutFile).Option("missingkey=error").Parse(string(src))
		if c.layoutErr != nil {
			c.layoutErr = fmt.Errorf("templates: %w", c.layoutErr)
		}
	})
	return c.layout, c.layoutErr
}

func (c *Catalog) read(locale, file string) (string, error) {
	b, err := fs.ReadFile(c.fsys, path.Join(locale, file))
	if err != nil {
		return "", fmt.Errorf("templates: %w", err)
	}
	return string(b), nil
}

func (c *Catalog) parseText(locale, file string) (*texttemplate.Template, error) {
	src, err := c.read(locale, file)
	if err != nil {
		return nil, err
	}
	t, err := texttemplate.New(path.Join(locale, file)).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return t, nil
}

// Sentinels stand in for the placeholders while the HTML email is executed. html/template would
// percent-encode "{####}" inside an href ("%7b%23%23%23%23%7d"), and Cognito would then never fill
// it; the sentinels are plain letters that every escaping context leaves alone, and are swapped for
// the placeholders afterwards. That is safe because ValidPlaceholder admits no character HTML treats
// specially, and Render refuses any other.
const (
	sentinelPrefix   = "zqCCM"
	sentinelCode     = sentinelPrefix + "codeQz"
	sentinelUsername = sentinelPrefix + "userQz"
	sentinelLink     = sentinelPrefix + "linkQz"
	sentinelName     = sentinelPrefix + "nameQz"
	sentinelApp      = sentinelPrefix + "appQz"
	sentinelCut      = sentinelPrefix + "cutQz" // not a value: a boundary between chunks (view.Cut)
)

func (s *set) view(locale string, d messages.Data) view {
	v := view{Data: d, Lang: locale, Dir: s.dir, Align: "left", Brand: s.brand}
	if s.dir == "rtl" {
		v.Align = "right"
	}
	return v
}

// Render executes one locale's templates for a trigger source. The subject and SMS are trimmed of
// surrounding white space. Render does not check Cognito's rules: call Check on the result.
func (c *Catalog) Render(locale, source string, d messages.Data) (messages.Message, error) {
	s, err := c.load(locale, source)
	if err != nil {
		return messages.Message{}, err
	}
	for _, ph := range []string{d.Code, d.Username, d.Link} {
		if ph != "" && !messages.ValidPlaceholder(ph) {
			return messages.Message{}, fmt.Errorf("templates: a placeholder is not of Cognito's shape")
		}
	}
	// A name can never contain a sentinel, so the swap below can only ever touch the template's own.
	d.Name = strings.ReplaceAll(d.Name, sentinelPrefix, "")
	d.AppName = strings.ReplaceAll(d.AppName, sentinelPrefix, "")
	v := s.view(locale, d)
	var m messages.Message
	var buf bytes.Buffer
	if err := s.subject.Execute(&buf, &v); err != nil {
		return messages.Message{}, fmt.Errorf("templates: %w", err)
	}
	m.Subject = strings.TrimSpace(buf.String())
	buf.Reset()
	if err := s.sms.Execute(&buf, &v); err != nil {
		return messages.Message{}, fmt.Errorf("templates: %w", err)
	}
	m.SMS = strings.TrimSpace(buf.String())
	buf.Reset()

	v.Code, v.Username, v.Link = sentinel(d.Code, sentinelCode), sentinel(d.Username, sentinelUsername), sentinel(d.Link, sentinelLink)
	if err := s.email.Execute(&buf, &v); err != nil {
		return messages.Message{}, fmt.Errorf("templates: %w", err)
	}
	email := buf.String()
	if d.WantText {
		// From the email as executed: the names in it are HTML-escaped, and HTMLText decodes them
		// back, so the text has them as the user wrote them.
		text := HTMLText(email)
		if s.text != nil {
			buf.Reset()
			if err := s.text.Execute(&buf, &v); err != nil {
				return messages.Message{}, fmt.Errorf("templates: %w", err)
			}
			text = buf.String()
		}
		m.Text = messages.TidyText(fillSentinels(text, d))
	}
	m.Email = fillSentinels(email, d)
	return m, nil
}

// fillSentinels puts the placeholders in place of their sentinels.
func fillSentinels(s string, d messages.Data) string {
	s = replaceSentinel(s, sentinelCode, d.Code)
	s = replaceSentinel(s, sentinelUsername, d.Username)
	return replaceSentinel(s, sentinelLink, d.Link)
}

func sentinel(value, s string) string {
	if value == "" {
		return ""
	}
	return s
}

func replaceSentinel(s, sentinel, value string) string {
	if value == "" || !strings.Contains(s, sentinel) {
		return s
	}
	return strings.ReplaceAll(s, sentinel, value)
}

// rtlScripts are the scripts written right to left. x/text knows each tag's likely script but not
// the script's direction, so the short list is kept here.
var rtlScripts = map[string]bool{
	"Adlm": true, "Arab": true, "Hebr": true, "Mand": true, "Nkoo": true,
	"Rohg": true, "Samr": true, "Syrc": true, "Thaa": true,
}

// Direction returns "rtl" for locales written right to left, else "ltr".
func Direction(tag language.Tag) string {
	script, _ := tag.Script()
	if rtlScripts[script.String()] {
		return "rtl"
	}
	return "ltr"
}
