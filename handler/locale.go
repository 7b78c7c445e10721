package main

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

// Match returns the shipped locale that a requested value maps to with High or Exact confidence.
// The value is a BCP 47 tag in any case, with "_" or "-" ("de_AT", "PT_br"), or an Accept-Language
// list ("fr-CA,fr;q=0.9"). Empty, oversized, unparsable or unsupported values match nothing.
// requested is the value's canonical language, script and region, safe to log (it can carry no
// free text), or "" when the value did not parse.
func (l *Locales) Match(value string) (locale, requested string, ok bool) {
	value = strings.TrimSpace(value)
	if value == "" || len(value) > maxLocaleLen {
		return "", "", false
	}
	value = strings.ReplaceAll(value, "_", "-")
	var tags []language.Tag
	if strings.ContainsAny(value, ",;") {
		t, _, err := language.ParseAcceptLanguage(value)
		if err != nil || len(t) == 0 {
			return "", "", false
		}
		tags = t
	} else {
		t, err := language.Parse(value)
		if err != nil {
			return "", "", false
		}
		tags = []language.Tag{t}
	}
	requested = loggable(tags[0])
	_, index, conf := l.matcher.Match(tags...)
	if conf < language.High {
		return "", requested, false
	}
	// supported[index], never the returned tag: that one carries -u-rg- extensions.
	return l.supported[index], requested, true
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
	Locale    string
	Source    LocaleSource
	Requested string // the first parsable request (metadata before attribute), reduced by loggable
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
		if requested == "" {
			requested = req
		}
		if ok {
			return Resolution{Locale: loc, Source: c.source, Requested: requested}
		}
	}
	return Resolution{Locale: l.def, Source: FromDefault, Requested: requested}
}
