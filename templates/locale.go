package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"

	"golang.org/x/text/language"

	"cognito-custom-message/messages"
)

// LocaleConfig is what a locale folder declares about itself in its optional locale.json:
//
//	{"nameAttributes": ["name", "family_name"], "sampleName": "山田 太郎", "aliases": ["kr"]}
//
// NameAttributes are the user attributes the display name is taken from, in order of preference
// (the first that reads as a person's name wins; messages.DisplayName). Japanese addresses people
// by full name or family name plus 様, where a given name alone reads oddly. Without the file, or
// without the key, messages.DefaultNameAttributes apply.
//
// SampleName is a name a reader of the locale expects to see in a greeting ("Lena", "山田 太郎"):
// `make preview` greets by it, so that a new locale's gallery reads like real mail without a code
// change. It must pass the name filter (messages.DisplayName); default "Sam".
//
// Aliases are codes that are not the locale's BCP 47 tag but that clients send for it: Amplify UI's
// Authenticator names Korean "kr" and Ukrainian "ua", and apps pass those on as they are. An alias is
// accepted only where it means no language of the set (CheckAliases): "kr" is Kanuri in ISO 639,
// which is not shipped; "ua" is no language code at all.
type LocaleConfig struct {
	NameAttributes []string `json:"nameAttributes"`
	SampleName     string   `json:"sampleName"`
	Aliases        []string `json:"aliases"`
}

// DefaultSampleName is the preview's name for a locale whose locale.json names none.
const DefaultSampleName = "Sam"

// nameAttributes are the attributes a name may be taken from: Cognito's standard name attributes
// and custom ones ("custom:…", as Cognito prefixes them in the event).
var (
	standardNameAttributes = []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username"}
	customAttributeRe      = regexp.MustCompile(`^custom:[A-Za-z0-9_-]{1,20}$`)
	aliasRe                = regexp.MustCompile(`^[a-z]{2,3}$`)
)

// LocaleConfig reads and validates locale's locale.json, once. A missing file is the default
// configuration; anything else wrong is an error naming the file and the key.
func (c *Catalog) LocaleConfig(locale string) (LocaleConfig, error) {
	if !c.HasLocale(locale) {
		return LocaleConfig{}, fmt.Errorf("templates: unknown locale %q", locale)
	}
	c.mu.Lock()
	lc := c.configs[locale]
	if lc == nil {
		lc = &localeConfig{}
		c.configs[locale] = lc
	}
	c.mu.Unlock()
	lc.once.Do(func() { lc.cfg, lc.err = readLocaleConfig(c.fsys, locale) })
	return lc.cfg, lc.err
}

func readLocaleConfig(fsys fs.FS, locale string) (LocaleConfig, error) {
	file := path.Join(locale, LocaleFile)
	b, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		return LocaleConfig{NameAttributes: messages.DefaultNameAttributes, SampleName: DefaultSampleName}, nil
	}
	if err != nil {
		return LocaleConfig{}, fmt.Errorf("templates: %w", err)
	}
	var cfg LocaleConfig
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return LocaleConfig{}, fmt.Errorf("templates: %s: %v (known keys: nameAttributes, sampleName, aliases)", file, err)
	}
	if dec.More() {
		return LocaleConfig{}, fmt.Errorf("templates: %s: more than one JSON value", file)
	}
	if cfg.NameAttributes == nil {
		cfg.NameAttributes = messages.DefaultNameAttributes
	}
	for i, a := range cfg.Aliases {
		if !aliasRe.MatchString(a) || slices.Contains(cfg.Aliases[:i], a) {
			return LocaleConfig{}, fmt.Errorf("templates: %s: aliases[%d] %q: two or three lower-case letters, each once", file, i, a)
		}
	}
	switch {
	case cfg.SampleName == "":
		cfg.SampleName = DefaultSampleName
	case messages.DisplayName(cfg.SampleName) != cfg.SampleName:
		return LocaleConfig{}, fmt.Errorf("templates: %s: sampleName %q: not a name the handler would greet by (at most four words of letters)", file, cfg.SampleName)
	}
	if len(cfg.NameAttributes) == 0 || len(cfg.NameAttributes) > 4 {
		return LocaleConfig{}, fmt.Errorf("templates: %s: nameAttributes: 1 to 4 attributes", file)
	}
	for i, a := range cfg.NameAttributes {
		if !slices.Contains(standardNameAttributes, a) && !customAttributeRe.MatchString(a) {
			return LocaleConfig{}, fmt.Errorf("templates: %s: nameAttributes[%d] %q: one of %v or custom:<name>", file, i, a, standardNameAttributes)
		}
		if slices.Contains(cfg.NameAttributes[:i], a) {
			return LocaleConfig{}, fmt.Errorf("templates: %s: nameAttributes[%d] %q is listed twice", file, i, a)
		}
	}
	return cfg, nil
}

// NameAttributes returns the attributes locale takes a display name from (see LocaleConfig); the
// default ones if its locale.json is broken, which Lint and the generator report.
func (c *Catalog) NameAttributes(locale string) []string {
	cfg, err := c.LocaleConfig(locale)
	if err != nil {
		return messages.DefaultNameAttributes
	}
	return cfg.NameAttributes
}

// Aliases maps every locale's aliases (LocaleConfig.Aliases) to the locale; broken locale.json files
// are skipped here (Lint and the generator report them).
func (c *Catalog) Aliases() map[string]string {
	m := map[string]string{}
	for _, loc := range c.locales {
		cfg, err := c.LocaleConfig(loc)
		if err != nil {
			continue
		}
		for _, a := range cfg.Aliases {
			m[a] = loc
		}
	}
	return m
}

// CheckAliases refuses aliases that would take a meaning away: one that is a shipped locale, that
// two locales claim, or that x/text relates to a shipped locale on its own (an alias "nn" for
// Swedish would steal Norwegian Nynorsk from nb). Problems come back as "file: what" lines.
func (c *Catalog) CheckAliases() []string {
	var tags []language.Tag
	for _, loc := range c.locales {
		tags = append(tags, language.Make(loc))
	}
	matcher := language.NewMatcher(tags)
	var errs []string
	owner := map[string]string{}
	for _, loc := range c.locales {
		cfg, err := c.LocaleConfig(loc)
		if err != nil {
			continue
		}
		file := path.Join(loc, LocaleFile)
		for _, a := range cfg.Aliases {
			switch other, claimed := owner[a]; {
			case c.HasLocale(a):
				errs = append(errs, fmt.Sprintf("%s: alias %q is a shipped locale", file, a))
			case claimed:
				errs = append(errs, fmt.Sprintf("%s: alias %q is also claimed by %s", file, a, other))
			default:
				if t, err := language.Parse(a); err == nil {
					if _, i, conf := matcher.Match(t); conf >= language.High {
						errs = append(errs, fmt.Sprintf("%s: alias %q already means %s to the matcher: it may not name %s", file, a, c.locales[i], loc))
					}
				}
			}
			owner[a] = loc
		}
	}
	return errs
}
