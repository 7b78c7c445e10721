package templates

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/runenames"

	"cognito-custom-message/messages"
)

// Severity of a lint finding.
type Severity string

// Severities: an error fails `make lint-templates` and `make test`; a warning is reported only.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem in the template tree, placed as precisely as the rule allows.
type Finding struct {
	Severity  Severity
	File      string // relative to the template root
	Line, Col int    // 1-based; 0 when the rule is about the whole file
	Rule      string
	Message   string
	// Inherited is set by LintBrand when the finding is in a shipped file the brand does not
	// override: File is then the brand's path of that file (where the fix goes), Inherited the
	// shipped one that Line and Col point into.
	Inherited string
}

func (f Finding) String() string {
	at := f.File
	if f.Inherited != "" {
		at = f.Inherited
	}
	if f.Line > 0 {
		at += ":" + strconv.Itoa(f.Line)
		if f.Col > 0 {
			at += ":" + strconv.Itoa(f.Col)
		}
	}
	if f.Inherited != "" {
		return fmt.Sprintf("%s: %s: [%s] %s (inherited from %s: override it in %s)", f.File, f.Severity, f.Rule, f.Message, at, f.File)
	}
	return fmt.Sprintf("%s: %s: [%s] %s", at, f.Severity, f.Rule, f.Message)
}

// SMSCost is what one locale's SMS for one source costs to send, with sample values in place of
// the placeholders (Cognito sends the real code and username, not the placeholder): a 6-digit code,
// or a TemporaryPasswordLength-character password in invitations, and a 12-character username.
type SMSCost struct {
	Locale, Source string
	Text           string
	Chars          int    // characters as the carrier counts them (GSM-7 extension characters twice)
	Units          int    // UTF-16 units, as Cognito counts its 140-character limit
	Encoding       string // "GSM-7" or "UCS-2"
	Segments       int
}

// Report is the outcome of Lint.
type Report struct {
	Findings []Finding
	SMS      []SMSCost
}

// Errors counts the findings of severity Error.
func (r Report) Errors() int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == Error {
			n++
		}
	}
	return n
}

// Lint rule names.
const (
	LintMissingFile    = "missing-file"
	LintUnknownFile    = "unknown-file"
	LintFolderName     = "folder-name"
	LintParse          = "parse"
	LintCharacter      = "character"
	LintRender         = "render"
	LintPlaceholder    = "placeholder"
	LintLimit          = "limit"
	LintEscapedCode    = "escaped-placeholder"
	LintNotCompilable  = "not-compilable"
	LintSMSSegments    = "sms-segments"
	LintLocaleFile     = "locale-file"
	LintSupportLine    = "support-line"
	LintGreetingCase   = "greeting-case"
	LintRTLStart       = "rtl-start"
	LintBidiIsolate    = "bdi"
	LintUnprovenName   = "unproven-name"
	LintUntranslated   = "untranslated"
	sampleCode         = "493817"
	sampleUsername     = "lena.schmidt"
	escapedCodePattern = `(?i)%7b%23%23%23%23%7d`
)

// DefaultLintAppName is the product name Lint measures the SMS with unless told otherwise.
const DefaultLintAppName = "My App"

// TemporaryPasswordLength is the length of the temporary password that Cognito puts in place of
// AdminCreateUser's code placeholder: the minimum of the stack's password policy (infra/stack.go).
// Invitations are measured with a password this long, not a 6-digit code.
const TemporaryPasswordLength = 12

// SamplePassword is what a generated temporary password looks like, TemporaryPasswordLength long:
// letters, digits and symbols from the GSM-7 basic alphabet (an extension character such as ^ or ~
// would count twice). The linter and the preview put it where an invitation's code goes.
var SamplePassword = "Hk4!pW9#zQ2mXr7%Tb5&"[:TemporaryPasswordLength]

// LintOption changes what Lint assumes about the deployment it measures the messages for.
type LintOption func(*lintConfig)

type lintConfig struct {
	appName       string
	defaultLocale string   // what the untranslated rule compares the other locales with
	catalog       *Catalog // a brand's catalog (its locales, its look); nil: the tree's own
}

// ForBrand lints a brand: its merged tree (pass Overlay(brand folder, templates) to Lint), rendered
// with its product name, logo, colours and support line, in the locales it sends.
func ForBrand(b *Brand) LintOption {
	return func(c *lintConfig) {
		c.catalog = b.Catalog
		c.appName = b.Config.AppName
		if b.Config.DefaultLocale != "" {
			c.defaultLocale = b.Config.DefaultLocale
		}
	}
}

// WithAppName measures every SMS with the product name the function is configured with (APP_NAME,
// the stack's appName), sanitized and cut as the handler does. Empty keeps DefaultLintAppName.
func WithAppName(name string) LintOption {
	return func(c *lintConfig) {
		if clean := messages.Sanitize(name, messages.MaxAppNameUnits); clean != "" {
			c.appName = clean
		}
	}
}

// DefaultLintLocale is the locale the others are compared with unless WithDefaultLocale says
// otherwise: the Makefile's and cdk.json's DEFAULT_LOCALE.
const DefaultLintLocale = "en"

// WithDefaultLocale compares every other locale with this one (DEFAULT_LOCALE): a file identical to
// its counterpart there is an untranslated copy. Empty keeps DefaultLintLocale.
func WithDefaultLocale(loc string) LintOption {
	return func(c *lintConfig) {
		if loc != "" {
			c.defaultLocale = loc
		}
	}
}

func newLintConfig(opts []LintOption) lintConfig {
	c := lintConfig{appName: DefaultLintAppName, defaultLocale: DefaultLintLocale}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// realSMS puts what Cognito sends in place of the placeholders: the code, or for an invitation the
// temporary password, and the username.
func realSMS(src, text string) string {
	code := sampleCode
	if src == "AdminCreateUser" {
		code = SamplePassword
	}
	return strings.NewReplacer("{####}", code, "{username}", sampleUsername).Replace(text)
}

var escapedCode = regexp.MustCompile(escapedCodePattern)

// Lint checks a template tree the way Cognito and the runtime will use it: every locale × source ×
// part present and nothing else, templates that parse and compile, only characters Cognito accepts
// (with line and column), placeholders where Cognito needs them, limits kept with the longest and
// most hostile data the handler lets through, no user attribute where the recipient is unproven,
// the wording rules of lintrules.go, and what each SMS costs with the configured product name.
func Lint(fsys fs.FS, opts ...LintOption) Report {
	cfg := newLintConfig(opts)
	var r Report
	seen := map[Finding]bool{} // rules that look at shared files (layout, footer) find them once
	add := func(sev Severity, file string, line, col int, rule, format string, args ...any) {
		f := Finding{Severity: sev, File: file, Line: line, Col: col, Rule: rule, Message: fmt.Sprintf(format, args...)}
		if !seen[f] {
			seen[f] = true
			r.Findings = append(r.Findings, f)
		}
	}

	// The tree: layout at the root, one canonical BCP 47 folder per locale.
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		add(Error, ".", 0, 0, LintMissingFile, "cannot read the template root: %v", err)
		return r
	}
	var locales []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.IsDir() && (name == LayoutFile || strings.HasSuffix(name, ".go")):
		case !e.IsDir():
			add(Warning, name, 0, 0, LintUnknownFile, "file the catalog never reads (only %s belongs at the root)", LayoutFile)
		default:
			tag, err := language.Parse(name)
			switch {
			case err == nil && tag.String() == name:
				locales = append(locales, name)
			case err == nil:
				add(Error, name, 0, 0, LintFolderName, "folder is ignored: locale folders use the canonical BCP 47 tag %q", tag.String())
			default:
				add(Warning, name, 0, 0, LintFolderName, "folder is ignored: %q is not a BCP 47 tag", name)
			}
		}
	}
	if _, err := fs.Stat(fsys, LayoutFile); err != nil {
		add(Error, LayoutFile, 0, 0, LintMissingFile, "the shared layout is missing")
	}
	expected := map[string]bool{FooterFile: true}
	for _, s := range Sources {
		for _, p := range []messages.Part{messages.PartSubject, messages.PartEmail, messages.PartSMS} {
			expected[FileName(s, p)] = true
		}
	}
	// A source's plain text is generated from its email unless the locale has its own (optional).
	optional := map[string]bool{}
	for _, s := range Sources {
		optional[TextFileName(s)] = true
	}
	// The account-takeover mail, which only the custom sender sends: not every locale has it yet.
	optional[ATOSubjectFile], optional[ATOEmailFile], optional[ATOTextFile] = true, true, true
	present := map[string]bool{}
	for _, loc := range locales {
		files, _ := fs.ReadDir(fsys, loc)
		have := map[string]bool{}
		for _, f := range files {
			have[f.Name()] = true
			if !expected[f.Name()] && !optional[f.Name()] && f.Name() != LocaleFile {
				add(Warning, path.Join(loc, f.Name()), 0, 0, LintUnknownFile, "file the catalog never reads (misspelt source or part?)")
			}
		}
		var missing []string
		for f := range expected {
			if !have[f] {
				missing = append(missing, f)
			}
		}
		sort.Strings(missing)
		for _, f := range missing {
			add(Error, path.Join(loc, f), 0, 0, LintMissingFile, "missing: every locale needs a subject, email and SMS for each trigger source and a footer; add it (start from %s/%s)", cfg.defaultLocale, f)
		}
		for f := range have {
			present[path.Join(loc, f)] = true
		}
	}

	// Characters, in the source files themselves, with line and column.
	checkChars := func(file string) {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return
		}
		line, col := 1, 0
		for i, ch := range string(b) {
			col++
			bad := !messages.Accepted(ch)
			if ch == utf8.RuneError {
				if _, size := utf8.DecodeRune(b[i:]); size <= 1 {
					add(Error, file, line, col, LintCharacter, "invalid UTF-8")
					continue
				}
			}
			if bad {
				add(Error, file, line, col, LintCharacter, "%U %s: outside Cognito's accepted characters%s", ch, runeName(ch), charHint(ch))
			}
			if ch == '\n' {
				line, col = line+1, 0
			}
		}
	}
	checkChars(LayoutFile)
	var files []string
	for f := range present {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		checkChars(f)
	}
	lintUntranslated(fsys, locales, cfg.defaultLocale, add)

	c := cfg.catalog
	if c == nil {
		if c, err = New(fsys); err != nil {
			return r
		}
	}
	for _, e := range c.CheckAliases() {
		file, msg, _ := strings.Cut(e, ": ")
		add(Error, file, 0, 0, LintLocaleFile, "%s", msg)
	}
	for _, loc := range c.Locales() {
		lintSupportLine(c, loc, add)
		lintATO(c, loc, cfg.appName, add)
		if _, err := c.LocaleConfig(loc); err != nil {
			add(Error, path.Join(loc, LocaleFile), 0, 0, LintLocaleFile, "%s", strings.TrimPrefix(err.Error(), "templates: "+path.Join(loc, LocaleFile)+": "))
		}
		for _, src := range Sources {
			fileOf := func(p messages.Part) string { return path.Join(loc, FileName(src, p)) }
			if err := c.Load(loc, src); err != nil {
				file, line := errorPosition(err)
				if file == "" {
					file = path.Join(loc, src)
				}
				rule := LintParse
				var pe *fs.PathError
				if errors.As(err, &pe) {
					continue // reported as a missing file above
				}
				add(Error, file, line, 0, rule, "%s", stripPosition(err))
				continue
			}
			lintRender(c, loc, src, fileOf, add)
			lintUnprovenName(c, loc, src, add)
			lintRTLStart(c, loc, src, fileOf, add)
			lintBidiIsolate(c, loc, src, add)
			lintGreetingCase(c, loc, src, add)
			if cost, ok := smsCost(c, loc, src, cfg.appName); ok {
				r.SMS = append(r.SMS, cost)
				// Past 140 characters is reported above with the longest product name already.
				reportSegments(cost, fileOf(messages.PartSMS), cfg.appName, add)
			}
		}
	}
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return r
}

// lintRender renders one locale and source with the worst-case data sets and checks every rule.
func lintRender(c *Catalog, loc, src string, fileOf func(messages.Part) string, add func(Severity, string, int, int, string, string, ...any)) {
	seen := map[string]bool{} // one finding per file and rule: the first data set that shows it
	report := func(sev Severity, file, rule, msg string) {
		if key := file + "\x00" + rule; !seen[key] {
			seen[key] = true
			add(sev, file, 0, 0, rule, "%s", msg)
		}
	}
	for _, wc := range WorstCaseData() {
		d := wc.Data
		d.Code, d.Link, d.WantText = "{####}", "{##Click Here##}", true
		ph := messages.Placeholders{Code: d.Code}
		if src == "AdminCreateUser" {
			d.Username, ph.Username = "{username}", "{username}"
		}
		m, err := c.Render(loc, src, d)
		if err != nil {
			file, _ := errorPosition(err)
			if file == "" {
				file = path.Join(loc, src)
			}
			report(Error, file, LintRender, stripPosition(err))
			return
		}
		for part, text := range map[messages.Part]string{messages.PartSubject: m.Subject, messages.PartEmail: m.Email, messages.PartSMS: m.SMS} {
			if escapedCode.MatchString(text) {
				report(Error, fileOf(part), LintEscapedCode, "the code placeholder is URL-escaped (%7b%23…), so Cognito never fills it in: write {{.Code}} in the link, not a quoted string")
			}
		}
		// A text the locale wrote itself (the generated one has what the email has, which Check
		// proves) must still carry the code, and an invitation's the username: the custom sender
		// sends it, and a reader of the plain part must be able to sign in from it.
		if textFile := path.Join(loc, TextFileName(src)); fileExists(c.fsys, textFile) {
			for _, p := range []string{ph.Code, ph.Username} {
				if p != "" && !strings.Contains(m.Text, p) {
					report(Error, textFile, LintPlaceholder, fmt.Sprintf("the plain text has no %s: write {{.%s}} in it", p, map[bool]string{true: "Code", false: "Username"}[p == ph.Code]))
				}
			}
		}
		if err := messages.Check(m, ph); err != nil {
			var re *messages.RuleError
			if !errors.As(err, &re) {
				report(Error, path.Join(loc, src), LintRender, err.Error())
				continue
			}
			rule := LintLimit
			switch re.Rule {
			case messages.RuleCodeMissing, messages.RuleUsernameMissing, messages.RulePlaceholderIn:
				rule = LintPlaceholder
			case messages.RuleCharacter:
				rule = LintCharacter
			}
			msg := re.Rule
			if re.Detail != "" {
				msg += " (" + re.Detail + ")"
			}
			file := fileOf(re.Part)
			if re.Part == messages.PartEmail && rule == LintCharacter {
				file = fileOf(re.Part) + " or " + LayoutFile + " or " + path.Join(loc, FooterFile)
			}
			report(Error, file, rule, msg+" with "+wc.Name)
			continue
		}
		// What the phone receives is longer than the template: Cognito fills in the code, and an
		// invitation's password and username are longer than their placeholders.
		if n := messages.UTF16Len(realSMS(src, m.SMS)); n > messages.MaxSMS {
			report(Error, fileOf(messages.PartSMS), LintLimit, fmt.Sprintf("%d UTF-16 units once Cognito fills in the %s (the limit is %d) with %s", n, codeKind(src), messages.MaxSMS, wc.Name))
		}
	}
	tested, _ := c.Tested(loc, src)
	for _, v := range variants(tested) {
		if _, err := c.Compile(loc, src, v); err != nil {
			report(Error, path.Join(loc, src)+".*", LintNotCompilable, stripPosition(err)+
				": use .Name, .Link, .Username, .Code and .AppName only as {{.X}} in text or quoted attributes, or in {{if .X}}")
			return
		}
	}
}

func fileExists(fsys fs.FS, name string) bool {
	_, err := fs.Stat(fsys, name)
	return err == nil
}

// NamedData is one worst-case data set.
type NamedData struct {
	Name string
	Data messages.Data
}

// WorstCaseData are the longest and most hostile values the handler lets through (names and product
// names cut to messages.MaxNameUnits and MaxAppNameUnits).
func WorstCaseData() []NamedData {
	long := func(unit string, n int) string { return strings.Repeat(unit, n) }
	return []NamedData{
		{"a plain name", messages.Data{Name: "Lena", AppName: "Example"}},
		{"no name", messages.Data{AppName: "Example"}},
		{"the longest Latin name and product name", messages.Data{Name: messages.Sanitize(long("W", 200), messages.MaxNameUnits), AppName: messages.Sanitize(long("W", 100), messages.MaxAppNameUnits)}},
		{"the longest emoji name and product name", messages.Data{Name: messages.Sanitize(long("😀", 200), messages.MaxNameUnits), AppName: messages.Sanitize(long("😀", 100), messages.MaxAppNameUnits)}},
		{"HTML in the name and product name", messages.Data{Name: messages.Sanitize(long(`<&>"'`, 40), messages.MaxNameUnits), AppName: messages.Sanitize(long("&<", 40), messages.MaxAppNameUnits)}},
		{"template syntax in the name", messages.Data{Name: messages.Sanitize("{{.Code}} {{template \"code\" .}} {####}", messages.MaxNameUnits), AppName: "{{.Name}}"}},
		{"mixed scripts", messages.Data{Name: messages.Sanitize("ليلى Zoë 山田\u200f\u00a0太郎", messages.MaxNameUnits), AppName: messages.Sanitize("Ñandú-Café 株式会社 شركة", messages.MaxAppNameUnits)}},
	}
}

func codeKind(src string) string {
	if src == "AdminCreateUser" {
		return fmt.Sprintf("%d-character temporary password and a %d-character username", TemporaryPasswordLength, len(sampleUsername))
	}
	return fmt.Sprintf("%d-digit code", len(sampleCode))
}

func smsCost(c *Catalog, loc, src, appName string) (SMSCost, bool) {
	d := messages.Data{Code: "{####}", AppName: appName, Name: "Lena"}
	if src == "AdminCreateUser" {
		d.Username = "{username}"
	}
	m, err := c.Render(loc, src, d)
	if err != nil {
		return SMSCost{}, false
	}
	text := realSMS(src, m.SMS)
	chars, enc, segs := SMSSegments(text)
	return SMSCost{Locale: loc, Source: src, Text: text, Chars: chars, Units: messages.UTF16Len(text), Encoding: enc, Segments: segs}, true
}

// reportSegments warns when an SMS is billed as more than one segment.
func reportSegments(cost SMSCost, file, appName string, add addFunc) {
	if cost.Segments > 1 {
		add(Warning, file, 0, 0, LintSMSSegments, "%d %s characters with the product name %q and a %s: billed as %d SMS segments (one holds %d); shorten the text%s",
			cost.Chars, cost.Encoding, appName, codeKind(cost.Source), cost.Segments, singleLimit(cost.Encoding), segmentHint(cost.Encoding))
	}
}

// SMSReport measures every SMS of the tree with the configured product name, as Lint does, without
// the other rules: what `make synth` runs with the stack's appName. Errors (over Cognito's limit) and
// warnings (more than one segment) are in the report's findings.
func SMSReport(fsys fs.FS, opts ...LintOption) (Report, error) {
	cfg := newLintConfig(opts)
	c, err := New(fsys)
	if err != nil {
		return Report{}, err
	}
	var r Report
	add := func(sev Severity, file string, line, col int, rule, format string, args ...any) {
		r.Findings = append(r.Findings, Finding{Severity: sev, File: file, Line: line, Col: col, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	for _, loc := range c.Locales() {
		for _, src := range Sources {
			cost, ok := smsCost(c, loc, src, cfg.appName)
			if !ok {
				return Report{}, fmt.Errorf("templates: %s/%s does not render", loc, src)
			}
			r.SMS = append(r.SMS, cost)
			file := path.Join(loc, FileName(src, messages.PartSMS))
			if cost.Units > messages.MaxSMS {
				add(Error, file, 0, 0, LintLimit, "%d UTF-16 units with the product name %q and a %s: Cognito allows %d",
					cost.Units, cfg.appName, codeKind(cost.Source), messages.MaxSMS)
			}
			reportSegments(cost, file, cfg.appName, add)
		}
	}
	return r, nil
}

// gsm7 is the GSM 03.38 default alphabet; gsm7Ext its extension table, whose characters take two
// septets. Written out here because no package we use carries it.
const (
	gsm7    = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsm7Ext = "^{}\\[~]|€\f"
)

// SMSSegments counts an SMS the way carriers bill it: GSM-7 when every character is in the GSM
// alphabet (160 per message, 153 per part when split), otherwise UCS-2 (70, and 67 per part).
func SMSSegments(s string) (chars int, encoding string, segments int) {
	gsm := true
	for _, r := range s {
		switch {
		case strings.ContainsRune(gsm7, r):
			chars++
		case strings.ContainsRune(gsm7Ext, r):
			chars += 2
		default:
			gsm = false
		}
	}
	single, part := 160, 153
	encoding = "GSM-7"
	if !gsm {
		chars, single, part, encoding = messages.UTF16Len(s), 70, 67, "UCS-2"
	}
	switch {
	case chars == 0:
		segments = 0
	case chars <= single:
		segments = 1
	default:
		segments = (chars + part - 1) / part
	}
	return chars, encoding, segments
}

// segmentHint is the second fix for a long SMS: in UCS-2 one accented or curly character costs the
// message more than half its room.
func segmentHint(encoding string) string {
	if encoding == "UCS-2" {
		return " or the product name; a Latin-script SMS in GSM-7 characters only (no curly quotes, few accents) holds 160"
	}
	return " or the product name"
}

func singleLimit(encoding string) int {
	if encoding == "GSM-7" {
		return 160
	}
	return 70
}

var positionRe = regexp.MustCompile(`template: ([^:]+):(\d+)(:\d+)?:? ?`)

// errorPosition finds "template: FILE:LINE" in a template error.
func errorPosition(err error) (string, int) {
	m := positionRe.FindStringSubmatch(err.Error())
	if m == nil {
		return "", 0
	}
	line, _ := strconv.Atoi(m[2])
	return m[1], line
}

func stripPosition(err error) string {
	s := strings.TrimPrefix(err.Error(), "templates: ")
	return positionRe.ReplaceAllString(s, "")
}

func runeName(r rune) string {
	if n := runenames.Name(r); n != "" {
		return n
	}
	return "(unnamed)"
}

func charHint(r rune) string {
	switch r {
	case '\u00a0', '\u202f', '\u2009', '\u2007':
		return "; use an ordinary space (French typography's no-break spaces make Cognito reject the message)"
	case '\u3000':
		return "; use no space or an ordinary one"
	case '\u200d', '\u200c', '\u200b', '\ufeff':
		return "; zero-width characters are rejected: remove it (emoji sequences with ZWJ cannot be used)"
	case '\u200e', '\u200f', '\u061c', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069':
		return "; set the direction with dir=\"rtl\" in the markup instead of bidi control characters"
	case '\u00ad':
		return "; remove the soft hyphen"
	}
	return ""
}

// lintUntranslated warns about message files identical to the default locale's: a folder copied
// from en/ to start a translation, and never translated, would send English under another locale
// and pass every other rule. A locale whose every message file is a copy gets one warning on its
// folder rather than one per file.
func lintUntranslated(fsys fs.FS, locales []string, def string, add addFunc) {
	if !slices.Contains(locales, def) {
		return
	}
	for _, loc := range locales {
		if loc == def {
			continue
		}
		var same []string
		total := 0
		for _, src := range Sources {
			for _, p := range []messages.Part{messages.PartSubject, messages.PartEmail, messages.PartSMS} {
				name := FileName(src, p)
				mine, err := fs.ReadFile(fsys, path.Join(loc, name))
				if err != nil {
					continue // reported as missing
				}
				total++
				if theirs, err := fs.ReadFile(fsys, path.Join(def, name)); err == nil && bytes.Equal(mine, theirs) {
					same = append(same, name)
				}
			}
		}
		switch {
		case len(same) == 0:
		case len(same) == total:
			add(Warning, loc, 0, 0, LintUntranslated, "every message file is identical to %s/: an untranslated copy sends %s text to %s readers; translate the files, or delete the folder to fall back to %s",
				def, def, loc, def)
		default:
			for _, name := range same {
				add(Warning, path.Join(loc, name), 0, 0, LintUntranslated, "identical to %s: untranslated? translate it",
					path.Join(def, name))
			}
		}
	}
}

// lintSupportLine warns when a brand sets a support link or address that a locale's footer never
// shows: a brand's own footer.html without {{template "support" .}}.
func lintSupportLine(c *Catalog, loc string, add addFunc) {
	b := c.brand
	if !b.HasSupport() {
		return
	}
	m, err := c.Render(loc, "ForgotPassword", messages.Data{Code: "{####}", AppName: DefaultLintAppName})
	if err != nil {
		return // reported by the render checks
	}
	want := b.SupportEmail
	if want == "" {
		want = htmlEscapeAttr(b.SupportURL)
	}
	if !strings.Contains(m.Email, want) {
		add(Warning, path.Join(loc, FooterFile), 0, 0, LintSupportLine,
			"the brand sets a support link or address, but this footer never shows it: add {{if .Brand.HasSupport}}…{{template \"support\" .}}{{end}}")
	}
}

func htmlEscapeAttr(s string) string { return strings.ReplaceAll(s, "&", "&amp;") }
