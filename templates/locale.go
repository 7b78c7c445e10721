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

	"cognito-custom-message/messages"
)

// LocaleConfig is what a locale folder declares about itself in its optional locale.json:
//
//	{"nameAttributes": ["name", "family_name"], "sampleName": "山田 太郎"}
//
// NameAttributes are the user attributes the display name is taken from, in order of preference
// (the first that reads as a person's name wins; messages.DisplayName). Japanese addresses people
// by full name or family name plus 様, where a given name alone reads oddly. Without the file, or
// without the key, messages.DefaultNameAttributes apply.
//
// SampleName is a name a reader of the locale expects to see in a greeting ("Lena", "山田 太郎"):
// `make preview` greets by it, so that a new locale's gallery reads like real mail without a code
// change. It must pass the name filter (messages.DisplayName); default "Sam".
type LocaleConfig struct {
	NameAttributes []string `json:"nameAttributes"`
	SampleName     string   `json:"sampleName"`
}

// DefaultSampleName is the preview's name for a locale whose locale.json names none.
const DefaultSampleName = "Sam"

// nameAttributes are the attributes a name may be taken from: Cognito's standard name attributes
// and custom ones ("custom:…", as Cognito prefixes them in the event).
var (
	standardNameAttributes = []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username"}
	customAttributeRe      = regexp.MustCompile(`^custom:[A-Za-z0-9_-]{1,20}$`)
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
		return LocaleConfig{}, fmt.Errorf("templates: %s: %v (known keys: nameAttributes, sampleName)", file, err)
	}
	if dec.More() {
		return LocaleConfig{}, fmt.Errorf("templates: %s: more than one JSON value", file)
	}
	if cfg.NameAttributes == nil {
		cfg.NameAttributes = messages.DefaultNameAttributes
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
