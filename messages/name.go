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
		// Sanitize cuts at a character boundary: leave room for a space and a surrogate pair past
		// the limit, so that a longer value is seen as longer and refused, never cut to fit.
		s := Sanitize(v, MaxNameUnits+3)
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
// ("ジョン・スミス") and Hebrew ("ג׳ון") in their own scripts.
//
// Which letters and marks a name may use is Unicode's answer, not a hand list: the table in
// names_gen.go is generated (tools/genunicode) from UTS #39, the data browsers use before showing a
// Unicode domain name (Chromium's IDN spoof checks), and the Unicode Character Database:
//   - only characters whose UTS #39 Identifier_Status is Allowed: that leaves out compatibility
//     forms ("ｅｖｉｌ", "𝐞𝐯𝐢𝐥", "ⓔ", "ﬁ", ligatures such as "Ǳ" and "Ǉ", which NFKC spells with
//     plain letters), invisible and technical characters, and the Limited_Use, Obsolete and
//     Uncommon_Use scripts and letters ("ꓐꓲꓔ", Cherokee "Ꮯ", "Ȣ", "ƻ");
//   - nothing confusables.txt maps to a digit or to ASCII punctuation or symbols: "Ǯ" (3), "ॽ" (?),
//     a Devanagari or Gujarati visarga (:), Han "丿" (/);
//   - nothing assigned after Unicode 13 (Cognito's Java patterns may not know it yet, and a letter
//     they do not know fails the whole reply);
//   - every word in one script, after UTS #39's augmented sets (Han goes with the kana, with Hangul
//     and with Bopomofo), so Latin "pаypal" with a Cyrillic "а" fails; a combining mark counts
//     with its explicit script extensions, or, when it is merely Inherited, with the scripts whose
//     letters are made of it ("é" = e + U+0301), so U+0338's slash overlay fits no letter at all;
//   - no word of two or more letters made only of digit look-alikes ("OOO", "lOl", Cyrillic "ЗбО"):
//     Chromium's digit-spoof rule. A single "O." or "I" stays a name.
//
// A short, commented list of exceptions lives in tools/genunicode: the Khoisan click letters ǀ ǁ ǂ
// ǃ, which UTS #39 calls Technical, are letters of real names ("Nǃxau ǂToma"); ǃ reads as "!", so it
// may stand only before another letter ("ǃKung", "Nǃxau"), never at a word's end where "!" would
// close a sentence ("lockedǃ"). The Hawaiian ʻokina ("Kaʻiulani") and the modifier apostrophe ʼ are
// Allowed and behave as apostrophes: inside or at the start of a word, never two in a row. Cyrillic
// б and З and Katakana ノ, which confusables.txt maps to 6, 3 and "/", stay: they are letters of
// countless names, and only next to Latin could they pass for digits or a path.
//
// Names in Limited_Use scripts (Cherokee, Tifinagh, Canadian syllabics, Vai...) get the neutral
// greeting: UTS #39 and Chromium keep those scripts out of identifiers, several are near-complete
// Latin look-alike alphabets, and mail clients often lack their fonts.
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

// nameClass is what a name needs to know about a character: the scripts it may be written with and
// its nameMark, nameDigitLike and nameLigature flags. The zero class is a character no name has.
type nameClass struct {
	scripts scriptSet
	flags   uint8
}

const (
	nameMark      = 1 << iota // a combining mark: belongs to the letter before it
	nameDigitLike             // its UTS #39 skeleton is an ASCII digit's ("O", "l", "З")
	nameLigature              // stands for more than one letter ("Æ" → "AE"): never an initial
)

// scriptSet is a set of the scripts listed in names_gen.go, one bit each.
type scriptSet uint64

// classOf looks r up in the generated table (a binary search over static data: nothing is built at
// start-up).
func classOf(r rune) nameClass {
	if r < 0 || r > unicode.MaxRune {
		return nameClass{}
	}
	key := uint32(r)<<8 | 0xFF
	lo, hi := 0, len(nameRanges)
	for lo < hi { // the last entry <= key
		mid := int(uint(lo+hi) >> 1)
		if nameRanges[mid] <= key {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return nameClasses[nameRanges[lo-1]&0xFF]
}

func (c nameClass) ok() bool     { return c.scripts != 0 }
func (c nameClass) mark() bool   { return c.flags&nameMark != 0 }
func (c nameClass) letter() bool { return c.scripts != 0 && c.flags&nameMark == 0 }

// apostrophe reports the apostrophes of names: ASCII, typographic, and the modifier letters ʼ and
// Hawaiian ʻokina.
func apostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' || r == 'ʻ' }

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
		resolved            = scriptsAll // the scripts every letter and mark so far is written with
		letters, lookalikes int
		marks               int  // marks on the current letter
		numerals            int  // Han numerals in a row
		prev                rune // the previous rune of the word; 0 at its start
		prevClass           nameClass
	)
	for i, r := range w {
		_, size := utf8.DecodeRuneInString(w[i:]) // not RuneLen(r): an invalid byte is 1 byte, not 3
		next, _ := utf8.DecodeRuneInString(w[i+size:])
		c := classOf(r)
		switch {
		case apostrophe(r):
			if apostrophe(prev) {
				return false
			}
			c = nameClass{} // no mark or name dot may follow it
		case c.letter():
			if r == 'ǃ' && (!classOf(next).letter() || next == 'ǃ') {
				return false // the click reads as "!": only before a letter, never ending a word
			}
			// Iteration and length marks (々, ゝ, ー, ๆ) repeat or lengthen the letter before them.
			if unicode.Is(unicode.Lm, r) && !prevClass.letter() {
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
			resolved &= c.scripts
			letters, marks = letters+1, 0
			if c.flags&nameDigitLike != 0 {
				lookalikes++
			}
		case c.mark():
			// A combining mark belongs to the letter before it; a long stack of them, or the same
			// mark twice, is noise.
			if !prevClass.ok() || marks >= 3 || r == prev {
				return false
			}
			resolved &= c.scripts
			marks++
		case r == '-' || r == '‐':
			// Inside a word only, once: "Anne-Marie", not "-", "--" or "Marie-".
			if prev == 0 || next == utf8.RuneError || next == '-' || next == '‐' || prev == '-' || prev == '‐' {
				return false
			}
		case r == '.':
			// Ends an abbreviation; a dot with anything after it in the word is a domain or a trick.
			if i != len(w)-1 || !prevClass.ok() {
				return false
			}
		case r == '·':
			// Catalan "l·l" (the only place IDNA allows it, too), and between the parts of a foreign
			// name written in Chinese ("约翰·史密斯").
			catalan := (prev == 'l' || prev == 'L') && (next == 'l' || next == 'L')
			if !catalan && (prevClass.scripts&scriptHan == 0 || classOf(next).scripts&scriptHan == 0 || !prevClass.letter()) {
				return false
			}
		case r == '・':
			if prevClass.scripts&scriptKatakana == 0 || classOf(next).scripts&scriptKatakana == 0 || !prevClass.letter() {
				return false
			}
		case r == '׳' || r == '״':
			if prevClass.scripts&scriptHebrew == 0 || !prevClass.letter() {
				return false
			}
		default:
			return false // digits, symbols, every other punctuation, anything outside the table
		}
		prev, prevClass = r, c
	}
	if letters == 0 || resolved == 0 {
		return false
	}
	// A word of look-alikes only reads as a number: "OOO", "lOl" (Chromium blocks such labels too).
	return letters < 2 || lookalikes < letters
}

func hanNumeral(r rune) bool {
	return strings.ContainsRune("〇零一二三四五六七八九十百千万萬億亿壱弐参拾", r)
}

// initials reports a word of capital initials, each with its full stop, all of one script: "J.",
// "J.K.", "А.С.". A ligature letter ("Ǳ", "Æ") is no initial: "A.Ǳ." would read as "A.DZ.".
func initials(w string) bool {
	if w == "" {
		return false
	}
	resolved, n, lookalikes := scriptsAll, 0, 0
	for w != "" {
		r, size := utf8.DecodeRuneInString(w)
		c := classOf(r)
		if !c.letter() || c.scripts == scriptsAll || c.flags&nameLigature != 0 || !unicode.IsUpper(r) || len(w) <= size || w[size] != '.' {
			return false
		}
		resolved &= c.scripts
		n++
		if c.flags&nameDigitLike != 0 {
			lookalikes++
		}
		w = w[size+1:]
	}
	return resolved != 0 && (n < 2 || lookalikes < n)
}
