package messages

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultNameAttributes are the user attributes a display name is taken from, in order, unless a
// locale declares its own (templates/<locale>/locale.json).
var DefaultNameAttributes = []string{"given_name", "name"}

// MaxNameWords is the most words a display name may have: enough for "María José García López",
// too few for a sentence.
const MaxNameWords = 4

// DisplayName returns the first of values that, once sanitized, reads as a person's name
// (PersonName), or "" — the neutral greeting — when none does. A value longer than MaxNameUnits is
// refused rather than cut: half a name reads worse than none.
func DisplayName(values ...string) string {
	for _, v := range values {
		s := Sanitize(v, MaxNameUnits+1)
		if s == "" || UTF16Len(s) > MaxNameUnits {
			continue
		}
		if PersonName(s) {
			return s
		}
	}
	return ""
}

// PersonName reports whether s, already Sanitize'd, reads as a person's name and nothing else: at
// most MaxNameWords words of letters (with their combining marks), where the only punctuation is an
// apostrophe or a hyphen inside a word, a full stop ending an abbreviation ("Jr.") or initials
// ("J.K."), and the name dots of Catalan ("Gal·la"), Chinese ("约翰·史密斯"), Japanese
// ("ジョン・スミス") and Hebrew ("ג׳ון") in their own scripts. That refuses, among others:
//   - links and anything a mail client turns into one: "://", "www.", "evil.example", "bit.ly", "@";
//   - digits of any script (phone numbers, amounts, codes) and every symbol (currency, maths, emoji);
//   - look-alikes of ".", ":" and "/" (fullwidth "．", "。", "꞉", "⁄"…) and compatibility letters
//     ("ｅｖｉｌ", "𝐞𝐯𝐢𝐥", "ⓔ") that render like plain ones;
//   - a word mixing scripts that are not written together (Latin "pаypal" with a Cyrillic "а");
//   - letters that pass for punctuation or show nothing (lookalikeLetter).
//
// Written here because no library we use answers "is this a name": x/text has no confusable or
// script-mixing data, and Go's unicode package has the script tables but no per-rune lookup.
func PersonName(s string) bool {
	if s == "" {
		return false
	}
	words := 0
	for w := range strings.SplitSeq(s, " ") {
		words++
		if words > MaxNameWords || !nameWord(w) {
			return false
		}
	}
	return true
}

// nameWord checks one word of a name.
func nameWord(w string) bool {
	if w == "" {
		return false
	}
	if l := strings.ToLower(w); strings.Contains(l, "www") || strings.HasPrefix(l, "http") {
		return false // "www." and "http" begin links; no name has them
	}
	if initials(w) {
		return true // "J.K.": single capitals can't spell a domain (no top-level domain has one letter)
	}
	var (
		scripts        scriptSet
		letters, marks int
		numerals       int  // Han numerals in a row
		prev           rune // the previous rune of the word; 0 at its start
		prevScript     script
	)
	for i, r := range w {
		next, _ := utf8.DecodeRuneInString(w[i+utf8.RuneLen(r):])
		switch {
		case unicode.IsLetter(r):
			if compatibilityForm(r) || lookalikeLetter(r) {
				return false
			}
			// Han numerals are letters: "一郎" is a name, "五五五〇一〇〇" a phone number.
			if hanNumeral(r) {
				if numerals++; numerals >= 3 {
					return false
				}
			} else {
				numerals = 0
			}
			sc := scriptOf(r)
			if sc == scriptCommon && !commonNameLetter(r) {
				return false // "ː" and other modifier letters that pose as punctuation
			}
			scripts = scripts.add(sc)
			letters, marks, prevScript = letters+1, 0, sc
		case unicode.Is(unicode.M, r):
			// A combining mark belongs to the letter before it; a long stack of them is noise.
			if prev == 0 || marks >= 3 {
				return false
			}
			marks++
		case r == '\'' || r == '’' || r == 'ʼ':
			if prev == '\'' || prev == '’' || prev == 'ʼ' {
				return false
			}
		case r == '-' || r == '‐':
			// Inside a word only, once: "Anne-Marie", not "-", "--" or "Marie-".
			if prev == 0 || next == utf8.RuneError || next == '-' || next == '‐' || prev == '-' || prev == '‐' {
				return false
			}
		case r == '.':
			// Ends an abbreviation; a dot with anything after it in the word is a domain or a trick.
			if i != len(w)-1 || !unicode.IsLetter(prev) {
				return false
			}
		case r == '·':
			// Catalan "l·l" (the only place IDNA allows it, too), and between the parts of a foreign
			// name written in Chinese ("约翰·史密斯").
			catalan := (prev == 'l' || prev == 'L') && (next == 'l' || next == 'L')
			if !catalan && (prevScript != scriptHan || scriptOf(next) != scriptHan) {
				return false
			}
		case r == '・':
			if prevScript != scriptKatakana || scriptOf(next) != scriptKatakana {
				return false
			}
		case r == '׳' || r == '״':
			if prevScript != scriptHebrew {
				return false
			}
		default:
			return false // digits, symbols, every other punctuation
		}
		prev = r
	}
	return letters > 0 && scripts.compatible()
}

// compatibilityForm reports letters that have a plainer canonical twin they render like: fullwidth
// and halfwidth forms, mathematical alphanumerics, letterlike and enclosed letters, superscripts,
// ligatures and presentation forms. Ranges rather than Unicode normalization tables, which would add
// their weight to the Lambda for a yes/no answer.
func compatibilityForm(r rune) bool {
	switch {
	case r >= 0xFF00 && r <= 0xFFEF, // halfwidth and fullwidth forms
		r >= 0x1D400 && r <= 0x1D7FF, // mathematical alphanumeric symbols
		r >= 0x2100 && r <= 0x214F,   // letterlike symbols (ℌ, ℯ, K as Kelvin sign)
		r >= 0x2460 && r <= 0x24FF,   // enclosed alphanumerics (ⓔ)
		r >= 0x1F100 && r <= 0x1F1FF, // enclosed alphanumeric supplement
		r >= 0x2070 && r <= 0x209F,   // superscripts and subscripts
		r >= 0x1D2C && r <= 0x1D6A,   // modifier (superscript) Latin letters
		r >= 0xFB00 && r <= 0xFDFF,   // ligatures, Hebrew and Arabic presentation forms
		r >= 0xFE70 && r <= 0xFEFF:   // Arabic presentation forms B
		return true
	}
	return false
}

func hanNumeral(r rune) bool {
	return strings.ContainsRune("〇零一二三四五六七八九十百千万萬億亿壱弐参拾", r)
}

// initials reports a word of capital initials, each with its full stop: "J.", "J.K.", "A.J.".
func initials(w string) bool {
	if w == "" {
		return false
	}
	for w != "" {
		r, n := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || compatibilityForm(r) || lookalikeLetter(r) || len(w) <= n || w[n] != '.' {
			return false
		}
		w = w[n+1:]
	}
	return true
}

// lookalikeLetter reports letters that pass for punctuation or for nothing at all: modifier letters
// (ː, ꞉-like marks) but the few names use, the Lisu alphabet (whole words of it read as Latin
// capitals, "ꓐꓲꓔꓸꓡꓬ" as "BIT.LY"), the Latin "sinological dot" ꞏ, and the Hangul fillers, which
// are letters that show nothing.
func lookalikeLetter(r rune) bool {
	switch {
	case r >= 0xA4D0 && r <= 0xA4FF, r == 0xA78F, r == 0x115F, r == 0x1160, r == 0x3164:
		return true
	case unicode.Is(unicode.Lm, r):
		return !strings.ContainsRune("ʼʻー々ゝゞヽヾ", r)
	}
	return false
}

// commonNameLetter lists the letters of no particular script that names use: the modifier
// apostrophe and Hawaiian ʻokina, and the Japanese long-vowel mark.
func commonNameLetter(r rune) bool { return r == 'ʼ' || r == 'ʻ' || r == 'ー' }

// script is a writing system, as far as mixing them inside one word matters.
type script uint8

const (
	scriptOther  script = iota // a letter of a script not listed: only ever alone
	scriptCommon               // no particular script
	scriptLatin
	scriptGreek
	scriptCyrillic
	scriptArmenian
	scriptHebrew
	scriptArabic
	scriptHan
	scriptHiragana
	scriptKatakana
	scriptHangul
	scriptBopomofo
	scriptListed // the scripts from here on are distinct but never mixed with another
)

// scriptOf finds a letter's script, the commonest first. A switch rather than a table of
// *unicode.RangeTable: a package-level table would be filled in at every cold start.
func scriptOf(r rune) script {
	switch {
	case unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Hiragana, r):
		return scriptHiragana
	case unicode.Is(unicode.Katakana, r):
		return scriptKatakana
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Hebrew, r):
		return scriptHebrew
	case unicode.Is(unicode.Armenian, r):
		return scriptArmenian
	case unicode.Is(unicode.Bopomofo, r):
		return scriptBopomofo
	case unicode.Is(unicode.Common, r):
		return scriptCommon
	}
	// Scripts that are never written together with another in a name; a letter of any other script
	// is scriptOther, which only passes alone.
	for i, t := range [...]*unicode.RangeTable{
		unicode.Devanagari, unicode.Bengali, unicode.Tamil, unicode.Telugu, unicode.Thai, unicode.Georgian,
		unicode.Ethiopic, unicode.Gujarati, unicode.Gurmukhi, unicode.Kannada, unicode.Malayalam,
		unicode.Sinhala, unicode.Khmer, unicode.Lao, unicode.Myanmar, unicode.Thaana, unicode.Syriac,
		unicode.Tibetan, unicode.Mongolian, unicode.Oriya, unicode.Cherokee,
	} {
		if unicode.Is(t, r) {
			return scriptListed + script(i)
		}
	}
	return scriptOther
}

// scriptSet is the set of scripts a word's letters use (at most 64 distinct values).
type scriptSet uint64

func (s scriptSet) add(sc script) scriptSet { return s | 1<<sc }

// compatible reports whether the scripts are written together in one word: one script alone, or
// Han with the Japanese kana, with Korean Hangul, or with Bopomofo. Anything else in one word — Latin
// with Cyrillic or Greek, above all — is a look-alike trick.
func (s scriptSet) compatible() bool {
	s &^= 1 << scriptCommon
	if s&(s-1) == 0 {
		return true
	}
	for _, group := range []scriptSet{
		1<<scriptHan | 1<<scriptHiragana | 1<<scriptKatakana,
		1<<scriptHan | 1<<scriptHangul,
		1<<scriptHan | 1<<scriptBopomofo,
	} {
		if s&^group == 0 {
			return true
		}
	}
	return false
}
