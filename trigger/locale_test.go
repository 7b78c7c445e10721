package trigger

import (
	"strings"
	"testing"

	"cognito-custom-message/messages"
)

// unshippable is a valid language tag no release will ever ship: "qaa" opens ISO 639-2's range
// reserved for local use (qaa–qtz), so no catalog of real languages has it. Tests use it, and
// Klingon ("qtz"), as the example of an unsupported locale, so that adding any real locale is adding
// files — no test needs to change.
const unshippable = "qaa"

// acceptLanguage is a valid Accept-Language list of exactly n bytes (n ≥ 40) that prefers German:
// entries of other languages, the optional whitespace after a comma padding it to length.
func acceptLanguage(n int) string {
	s := "de-DE,de;q=0.9"
	for len(s)+len(",en;q=0.5")+len(",fr;q=0.1") <= n {
		s += ",en;q=0.5"
	}
	s += ","
	tail := "fr;q=0.1"
	return s + strings.Repeat(" ", n-len(s)-len(tail)) + tail
}

func TestLocalesMatch(t *testing.T) {
	l := NewLocales(messages.Compiled().Locales(), "en")
	cases := []struct {
		in     string
		want   string // "" = no match
		reqLog string
	}{
		{"de", "de", "de"},
		{"DE", "de", "de"},
		{"de_AT", "de", "de-AT"},
		{"de-at", "de", "de-AT"},
		{"PT_br", "pt-BR", "pt-BR"},
		{"pt", "pt-BR", "pt"},
		{"pt-PT", "pt-BR", "pt-PT"},
		{"fr-CA,fr;q=0.9,en;q=0.8", "fr", "fr-CA"},
		{"es-MX,es;q=0.9", "es", "es-MX"},
		{"en-GB", "en", "en-GB"},
		{"ja-JP", "ja", "ja-JP"},
		{"zh-CN", "zh-Hans", "zh-CN"},
		{"zh-Hans-CN", "zh-Hans", "zh-Hans-CN"},
		{"zh", "zh-Hans", "zh"},
		{"zh-TW", "zh-Hant", "zh-TW"},
		{"zh-HK", "zh-Hant", "zh-HK"},
		{"zh-MO", "zh-Hant", "zh-MO"},
		{"zh-Hant-CN", "zh-Hant", "zh-Hant-CN"},
		{"zh_TW", "zh-Hant", "zh-TW"},
		{"zh-SG", "zh-Hans", "zh-SG"},
		{"no", "nb", "no"}, // the macrolanguage
		{"nb-NO", "nb", "nb-NO"},
		{"nn", "nb", "nn"}, // Nynorsk readers read Bokmål (docs/locales.md)
		{"iw", "he", "he"}, // legacy codes of old Android and Java clients
		{"in-ID", "id", "id-ID"},
		{"da-DK", "da", "da-DK"},
		{"ar-EG", "ar", "ar-EG"},
		{"it-CH", "it", "it-CH"},
		{"  de  ", "de", "de"},
		{unshippable, "", "unsupported"},
		{"qtz", "", "unsupported"},
		{"bob", "", "unsupported"}, // an ISO 639-3 code, and a name: never logged
		{"kim,de", "de", "de"},     // the tag that matched, not the first
		{"kim,zh-TW", "zh-Hant", "zh-TW"},
		{"Bob Smith", "", "invalid"},
		{"", "", ""},
		{"*", "", "invalid"},
		{"../../x", "", "invalid"},
		{"../de", "", "invalid"},
		{"de/../../etc/passwd", "", "invalid"},
		{"<script>", "", "invalid"},
		{"de\x00", "", "invalid"},
		{"x-klingon", "", "unsupported"},
		{"de-x-lena", "de", "de"},           // private-use text never reaches the log
		{"de-x-lenaschmidt", "", "invalid"}, // subtag too long: not BCP 47
		{strings.Repeat("de-", 50) + "de", "", "invalid"},
		{"de," + strings.Repeat("x", 200), "", "invalid"},
		{";;;,,,", "", "invalid"},
		// A real Accept-Language list: matched up to the bound, refused past it (the parser's work
		// grows with the list, and no caller needs more).
		{acceptLanguage(maxLocaleLen), "de", "de-DE"},
		{acceptLanguage(maxLocaleLen + 1), "", "invalid"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, req, ok := l.Match(c.in)
			if ok != (c.want != "") || got != c.want {
				t.Errorf("Match(%q) = %q, %v; want %q", c.in, got, ok, c.want)
			}
			if req != c.reqLog {
				t.Errorf("Match(%q) requested = %q; want %q", c.in, req, c.reqLog)
			}
		})
	}
}

func TestLocalesResolveOrder(t *testing.T) {
	l := NewLocales(messages.Compiled().Locales(), "es")
	cases := []struct {
		name     string
		metadata map[string]string
		attr     string
		want     Resolution
	}{
		{"metadata wins", map[string]string{"locale": "de"}, "ja", Resolution{"de", FromMetadata, "de"}},
		{"attribute when no metadata", nil, "ja", Resolution{"ja", FromAttribute, "ja"}},
		{"attribute when metadata unknown", map[string]string{"locale": unshippable}, "it", Resolution{"it", FromAttribute, "it"}},
		{"attribute when metadata junk", map[string]string{"locale": "../../x"}, "fr-FR", Resolution{"fr", FromAttribute, "fr-FR"}},
		{"default when both unknown", map[string]string{"locale": unshippable}, "qtz", Resolution{"es", FromDefault, "unsupported"}},
		{"default when nothing", nil, "", Resolution{"es", FromDefault, ""}},
		{"free text is not logged", map[string]string{"locale": "bob"}, "", Resolution{"es", FromDefault, "unsupported"}},
		{"junk metadata, no attribute", map[string]string{"locale": "call +1 555"}, "", Resolution{"es", FromDefault, "invalid"}},
		{"other keys ignored", map[string]string{"Locale": "de", "lang": "fr", "language": "ja"}, "", Resolution{"es", FromDefault, ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := l.Resolve(c.metadata, c.attr); got != c.want {
				t.Errorf("got %+v; want %+v", got, c.want)
			}
		})
	}
}

func TestAcceptLanguageHelper(t *testing.T) {
	for _, n := range []int{maxLocaleLen, maxLocaleLen + 1} {
		if s := acceptLanguage(n); len(s) != n {
			t.Errorf("acceptLanguage(%d) has %d bytes", n, len(s))
		}
	}
}

// TestNearMiss: a tag the matcher relates to a shipped locale with too little confidence to use is
// not used (Traditional Chinese readers get the default rather than Simplified characters) but is
// logged, as demand for a locale to add. Every locale now shipped matches its relatives with High
// confidence or none, so a brand that sends only some locales shows it.
func TestNearMiss(t *testing.T) {
	l := NewLocales([]string{"en", "zh-Hans"}, "en")
	for _, in := range []string{"zh-TW", "kim,zh-TW"} {
		if got, req, ok := l.Match(in); ok || got != "" || req != "zh-TW" {
			t.Errorf("Match(%q) = %q, %q, %v; want no match, logged as zh-TW", in, got, req, ok)
		}
	}
}

// TestLocaleAliases: codes that clients send for a locale but that are not its BCP 47 tag (Amplify
// UI's "kr" and "ua") reach it exactly, in any case; nothing else changes.
func TestLocaleAliases(t *testing.T) {
	l := NewLocales([]string{"de", "en", "ko", "uk"}, "en").WithAliases(map[string]string{"kr": "ko", "ua": "uk"})
	for _, c := range []struct{ in, want, req string }{
		{"kr", "ko", "kr"},
		{"KR", "ko", "kr"},
		{" ua ", "uk", "ua"},
		{"ko-KR", "ko", "ko-KR"},
		{"uk", "uk", "uk"},
		{"kr-KR", "", "unsupported"}, // Kanuri in Korea: an alias is a whole code, not a language subtag
		{"ua-UA", "", "invalid"},
		{"de", "de", "de"},
	} {
		got, req, ok := l.Match(c.in)
		if got != c.want || ok != (c.want != "") || req != c.req {
			t.Errorf("Match(%q) = %q, %q, %v; want %q, %q", c.in, got, req, ok, c.want, c.req)
		}
	}
	if got, _, _ := NewLocales([]string{"en", "ko"}, "en").Match("kr"); got != "" {
		t.Errorf("without aliases, kr (Kanuri) matched %q", got)
	}
}
