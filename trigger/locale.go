package trigger

import (
	"strings"

	"golang.org/x/text/language"
)

// maxLocaleLen bounds what is handed to the BCP 47 parser. The longest useful value is an
// Accept-Language list with a handful of entries; anything longer is junk or an attack.
const maxLocaleLen = 128

// LocaleSource says where a resolved locale came from; it is logged and pinned by tests.
type LocaleSource string

// Where a locale can come from, in the order they are tried.
const (
	FromMetadata  LocaleSource = "clientMetadata"
	FromAttribute LocaleSource = "userAttribute"
	FromDefault   LocaleSource = "default"
)

// Locales matches requested locales against the shipped ones. Matching is x/text's job; this type
// only decides the inputs, the order and what confidence counts.
type Locales struct {
	supported []string // catalog folder names; index-aligned with the matcher's tags
	matcher   language.Matcher
	def       string
	aliases   map[string]string // codes clients send that are not BCP 47 for the locale ("kr")
}

// WithAliases makes Match accept each alias (exactly, in any case) for its locale: codes such as
// Amplify UI's "kr" and "ua", which x/text reads as Kanuri and as nothing. The catalog declares them
// (templates' locale.json) and refuses one that means a shipped locale to the matcher.
func (l *Locales) WithAliases(aliases map[string]string) *Locales {
	l.aliases = aliases
	return l
}

// NewLocales builds a resolver over the shipped locales with def as the last resort.
func NewLocales(supported []string, def string) *Locales {
	tags := make([]language.Tag, 0, len(supported))
	names := make([]string, 0, len(supported))
	// The matcher treats its first tag as the default; keep def first so ties never drift from it.
	for _, s := range append([]string{def}, supported...) {
		if len(names) > 0 && s == def {
			continue
		}
		tags = append(tags, language.Make(s))
		names = append(names, s)
	}
	return &Locales{supported: names, matcher: language.NewMatcher(tags), def: def}
}

// ownLanguage reports whether requested, as Match logs it, is in the language of the shipped locale
// rather than only related to it: de-AT and de, zh-TW and zh-Hant, no and nb (a macrolanguage and
// its member), an alias and its locale — not et and fi, nor nn and nb.
func (l *Locales) ownLanguage(requested, locale string) bool {
	if requested == "" {
		return false
	}
	if l.aliases[requested] == locale {
		return true
	}
	a, _ := language.Macro.Canonicalize(language.Make(requested))
	b, _ := language.Macro.Canonicalize(language.Make(locale))
	ab, _ := a.Base()
	bb, _ := b.Base()
	return ab == bb
}

// Values logged as requested_locale when the request names no shipped locale: a fixed word, never
// the value itself, which is whatever the caller or user typed.
const (
	RequestedUnsupported = "unsupported" // a well-formed tag or list that matches no shipped locale
	RequestedInvalid     = "invalid"     // too long or not BCP 47
)

// Match returns the shipped locale that a requested value maps to with High or Exact confidence.
// The value is a BCP 47 tag in any case, with "_" or "-" ("de_AT", "PT_br"), or an Accept-Language
// list ("fr-CA,fr;q=0.9"). Empty, oversized, unparsable or unsupported values match nothing.
// requested is what may be logged of the value: the language, script and region of the tag the
// matcher related to a shipped locale ("de-AT"; also "zh-TW" where only zh-Hans is sent, which it
// relates with too little confidence to use), RequestedUnsupported or RequestedInvalid otherwise, "" for an empty
// value. Being in the registry is not enough to be logged: "bob" and "kim" are ISO 639-3 codes, and
// names.
func (l *Locales) Match(value string) (locale, requested string, ok bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return "", "", false
	}
	if len(value) > maxLocaleLen {
		return "", RequestedInvalid, false
	}
	if loc, ok := l.aliases[strings.ToLower(value)]; ok {
		return loc, strings.ToLower(value), true // a key of the catalog's own table: safe to log
	}
	value = strings.ReplaceAll(value, "_", "-")
	var tags []language.Tag
	if strings.ContainsAny(value, ",;") {
		t, _, err := language.ParseAcceptLanguage(value)
		if err != nil || len(t) == 0 {
			return "", RequestedInvalid, false
		}
		tags = t
	} else {
		t, err := language.Parse(value)
		if err != nil {
			return "", RequestedInvalid, false
		}
		tags = []language.Tag{t}
	}
	_, index, conf := l.matcher.Match(tags...)
	switch {
	case conf == language.No:
		return "", RequestedUnsupported, false
	case conf < language.High:
		// Close to a shipped locale but not close enough ("zh-TW" to a brand's zh-Hans): worth logging, as
		// demand for a locale to add.
		return "", loggable(l.matchedTag(tags, index, conf)), false
	}
	// supported[index], never the returned tag: that one carries -u-rg- extensions.
	return l.supported[index], loggable(l.matchedTag(tags, index, language.High)), true
}

// matchedTag finds which of a list's tags the matcher chose: the first that, alone, matches the
// same shipped locale with at least conf. One tag needs no search.
func (l *Locales) matchedTag(tags []language.Tag, index int, conf language.Confidence) language.Tag {
	if len(tags) > 1 {
		for _, t := range tags {
			if _, i, c := l.matcher.Match(t); i == index && c >= conf {
				return t
			}
		}
	}
	return tags[0]
}

// loggable reduces a tag to language, script and region, all drawn from fixed registries.
func loggable(t language.Tag) string {
	base, _ := t.Base()
	if base.String() == "und" {
		return ""
	}
	script, sc := t.Script()
	region, rc := t.Region()
	out := base.String()
	if sc == language.Exact {
		out += "-" + script.String()
	}
	if rc == language.Exact {
		out += "-" + region.String()
	}
	return out
}

// Resolution is the outcome of choosing a locale for one event.
type Resolution struct {
	Locale string
	Source LocaleSource
	// Requested is what may be logged of the request (see Match): the matched tag reduced to
	// language, script and region, else the fixed word for the first value given, else "".
	Requested string
}

// Resolve picks the locale for an event: clientMetadata "locale", then the user's locale attribute,
// then the default. No other metadata key is read.
func (l *Locales) Resolve(metadata map[string]string, attrLocale string) Resolution {
	var requested string
	for _, c := range []struct {
		value  string
		source LocaleSource
	}{{metadata["locale"], FromMetadata}, {attrLocale, FromAttribute}} {
		loc, req, ok := l.Match(c.value)
		if ok {
			return Resolution{Locale: loc, Source: c.source, Requested: req}
		}
		if requested == "" {
			requested = req
		}
	}
	return Resolution{Locale: l.def, Source: FromDefault, Requested: requested}
}
