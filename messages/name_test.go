package messages

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/rangetable"
)

// realNames must pass PersonName: each is a name somebody has, written as they write it.
var realNames = []string{
	"Zoë", "José María", "O'Brien", "Anne-Marie", "Nguyễn Văn An", "山田太郎", "محمد", "D'Angelo Jr",
	"Lena", "Léna", "Jürgen", "Søren", "Łukasz", "Ørjan", "Ðorđe", "Ágnes", "Çağla", "Şükrü", "Zoë O’Neill",
	"María José García López", "Jean-Luc Picard", "Mary-Kate", "'t Hooft", "Ngũgĩ", "Nǃxau", "Kʻaʻeo",
	"Hawaiʻi", "Smith Jr.", "J. R. Tolkien", "Gal·la", "Paul·la", "ジョン・スミス", "山田 太郎", "佐々木", "一郎", "三千代",
	"やまだ たろう", "ジョーンズ", "王芳", "李小龙", "김민준", "金민준", "Александр", "Дмитрий Иванов", "Γιώργος",
	"Νίκος Παπαδόπουλος", "Արամ", "ג׳ון", "דוד כהן", "فاطمة الزهراء", "عبد الله", "अमित", "प्रिया शर्मा",
	"সৌরভ", "தமிழ்செல்வன்", "สมชาย", "გიორგი", "አበበ", "Владимир", "Joaquín", "Ñusta", "Ævar", "Þór",
	"Renée", "Mc Kay", "Björk", "Dž", "Ljubica", "Ælfrēd", "J.K. Rowling", "A.J. Smith", "约翰·史密斯",
	"买买提·艾力", "А.С. Пушкин", "ゆゞこ",
	// Vietnamese, precomposed and with its tone marks combining (as some keyboards send it).
	"Nguyễn Thị Minh Khai", "Nguye\u0302\u0303n Thi\u0323",
	// Yoruba: dot below and tones, precomposed where Unicode has the letter, combining where not.
	"Adéwálé Ọlábísí", "Ọ\u0300rẹ\u0301", "Ṣọlá",
	// Hawaiian ʻokina, inside and at the start of a word; the Ukrainian modifier apostrophe.
	"Kaʻiulani", "ʻAukai", "Марʼяна",
	// Khoisan click letters inside and at the start of a word.
	"Nǃxau ǂToma", "ǃKung", "Juǀʼhoan", "ǁGaeb",
	// Letters confusables.txt maps to digits or "/", kept in their own scripts (see PersonName).
	"Зоя", "Любовь", "Глеб Зубов", "ノリコ", "ノア",
	// Single initials that happen to look like a digit; Icelandic eth; Pinyin tone letters.
	"O. Henry", "I. M. Pei", "Guðrún", "Lǚ Bù", "Ioana",
	// More of the world: Arabic with its vowel marks, polytonic Greek, Vietnamese capitals, Yoruba
	// with stacked tones, Turkish, Romanian, Azerbaijani, Russian with a stress mark.
	"مُحَمَّد", "Ἀλέξανδρος", "ĐỖ MỸ LINH", "Ngô Bảo Châu", "Ọbáfẹ́mi Awólọ́wọ̀", "İlknur", "Ștefan", "Əli",
	"Мари́я", "ЗОЯ", "Ó Súilleabháin", "Tāne", "Řehoř", "이서연", "ユウキ", "さくら", "דוד",
}

// refusedByDesign are real names that get the neutral greeting on purpose (see PersonName): in a
// Limited_Use script (Cherokee, Tifinagh), with a compatibility digraph that NFKC spells with two
// plain letters (people type "Ljubica", which passes), with Hebrew vowel points, which UTS #39 calls
// Uncommon_Use (names are written without them: "דוד" passes).
var refusedByDesign = []string{"ꮎꮎ", "ᏣᎳᎩ", "ⵜⴰⵎⴰⵣⵉⵖⵜ", "Ǉubica", "ǅemal", "דָּוִד"}

// notNames must fail PersonName: links, addresses, numbers, sentences and look-alike tricks that
// would turn a greeting into an advertisement or a phishing line.
var notNames = []string{
	// links and schemes
	"https://evil.example/r", "http://x", "evil.example", "bit.ly", "Bob bit.ly", "www.evil.com", "www evil",
	"WWW", "Http", "evil.example/r", "evil. example.com", "Visit evil.example", "a.b", "x.io", "go.to Bob",
	"Bob/Alice", "evil:8080", "mailto:x", "file:", "javascript:alert", "data:",
	// addresses and handles
	"bob@evil.example", "@bob", "Bob @ evil", "＠bob",
	// numbers and amounts
	"Bob 1", "+1 555 0100", "555-0100", "Call 5550100", "Winner 1000", "١٢٣", "一二三四", "山田五五五〇一〇〇", "₹500",
	"$1000", "100€", "£5", "¥100", "Bob ５", "Ⅸ",
	// more than a few words: a sentence
	"Account locked! Restore at https://evil.example/r", "Your account is locked call now",
	"Click the link below to restore", "You won a free cruise today",
	// punctuation a name has no use for
	"Bob!", "Bob?", "Bob, Alice", "Bob;", "Bob: click", "(Bob)", "[Bob]", "Bob\"", "<b>Bob</b>", "Bob & Alice",
	"Bob -", "-Bob", "Bob-", "Bob--Smith", "''", "Bob.Smith", ".", "Bob...", "Bob #1", "Bob*", "Bob%", "Bob=",
	// look-alikes of dots, colons and slashes
	"evil．example", "evil。example", "evil｡example", "evil․example", "evil﹒example", "evil꞉example",
	"evilːexample", "evil⁄r", "evil∕r", "evil／r", "evil·example", "evil・example", "evil։example",
	// compatibility letters that render like plain ones
	"ｅｖｉｌ", "𝐞𝐯𝐢𝐥", "ⓔⓥⓘⓛ", "ᴬᴮ", "ﬁnd", "ℌello",
	// scripts mixed inside one word
	"pаypal", "Gооgle", "Αpple", "Bоb", "mícrosоft", "Zoë山田", "Bobمحمد",
	// symbols and emoji
	"Bob 😀", "💰💰💰", "Bob ✓", "Bob ©", "Bob™", "Bob ♥",
	// letters that pass for punctuation or show nothing
	"ꓐꓲꓔꓸꓡꓬ", "paypalꞏcom", "\u3164", "\u1160", "\u115f", "Bob\u3164", "evilːcom", "evilˑcom", "Bob ˆ",
	"j.k.", "J.KR.", "J.K", "bit.LY", "JK.com",
	// combining-mark noise
	"Z\u0334\u0321\u031b\u0327a\u0338\u0337\u0336\u0335",
	// nothing
	"", "'", "ʻ", "ʻʻa",
	// issue 16 §2: letters that read as digits ("Call 0800 235 555")...
	"Call OȢOO ƻƷƼ ƼƼƼ", "OȢOO", "ƻƷƼ", "ƼƼƼ", "Call OOOO", "lOl", "ЗбЗб", "ООО", "O.I.",
	// ...a letter that reads as punctuation...
	"Account lockedǃ Call now", "lockedǃ", "ǃ", "ǃǃx", "Bob ǃ", "lockedꜝ", "Bobॱcom",
	// ...combining marks never script-checked...
	"evil\U0001D16Dexample", "paypal\u0338com", "paypal\u0335com", "abc\uA8E0\uA8E1", "abc\u0951",
	"Bob\u0903", "a\u0301\u0301", "Bob\u064B", "'\u0301", "\u0301Bob",
	// ...ligature letters in initials.
	"A.Ǳ.", "Ǳ.", "A.ǅ.", "A.Æ.", "A.Ĳ.",
	// letters assigned after Unicode 13, which Cognito's patterns may not know
	"山\u9FFD", "山\U00031350", "\u0870\u0628", "ひ\U0001B132",
	// iteration and length marks with nothing to repeat
	"ー", "ーア", "々", "ゝか",
}

func TestPersonName(t *testing.T) {
	if len(realNames) < 50 || len(notNames) < 50 {
		t.Fatalf("the tables need 50+ entries each: %d real, %d not", len(realNames), len(notNames))
	}
	for _, n := range realNames {
		if s := Sanitize(n, MaxNameUnits); s != n {
			t.Fatalf("test data: %q is not sanitized (%q)", n, s)
		}
		if !PersonName(n) {
			t.Errorf("PersonName(%q) = false; want true (a real name)", n)
		}
	}
	for _, n := range notNames {
		if PersonName(Sanitize(n, MaxNameUnits)) {
			t.Errorf("PersonName(%q) = true; want false", n)
		}
	}
	for _, n := range refusedByDesign {
		if PersonName(n) {
			t.Errorf("PersonName(%q) = true; want false (refused by design)", n)
		}
	}
}

func TestDisplayName(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		want   string
	}{
		{"first value", []string{"Lena", "Lena Schmidt"}, "Lena"},
		{"empty first", []string{"", "Bob"}, "Bob"},
		// The choice is made on sanitized values: invisible characters are no name.
		{"invisible first", []string{"\u00a0\u200b", "Bob"}, "Bob"},
		{"spaces normalised", []string{"  José \t María  "}, "José María"},
		{"hostile first, good second", []string{"Account locked! Restore at https://evil.example/r", "Bob"}, "Bob"},
		{"hostile only", []string{"evil.example", "call +1 555 0100"}, ""},
		{"too long is refused, not cut", []string{strings.Repeat("Wolfeschlegel", 6), "Hubert"}, "Hubert"},
		{"exactly the bound", []string{strings.Repeat("a", MaxNameUnits)}, strings.Repeat("a", MaxNameUnits)},
		// One more word past the bound: refused, not cut back to the bound (nor to four words).
		{"a word past the bound", []string{strings.Repeat("a", MaxNameUnits) + " b", "Hubert"}, "Hubert"},
		{"a surrogate pair past the bound", []string{strings.Repeat("a", MaxNameUnits) + " 𠀀", "Hubert"}, "Hubert"},
		{"four words at the bound and a fifth", []string{strings.Repeat("a", 15) + " " + strings.Repeat("b", 15) + " " + strings.Repeat("c", 15) + " " + strings.Repeat("d", 16) + " Evil"}, ""},
		{"bidi override dropped, then checked", []string{"Eve\u202e"}, "Eve"},
		{"braces are not a name", []string{"{####}"}, ""},
		{"none", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := DisplayName(c.values...); got != c.want {
				t.Errorf("DisplayName(%q) = %q; want %q", c.values, got, c.want)
			}
		})
	}
}

// TestPersonNameInvalidUTF8: PersonName is exported; an invalid byte is no name, and no panic.
func TestPersonNameInvalidUTF8(t *testing.T) {
	for _, s := range []string{"a\xff", "\xffab", "Jo\xc3", "A.\xff."} {
		if PersonName(s) {
			t.Errorf("PersonName(%q) = true", s)
		}
	}
}

func FuzzPersonName(f *testing.F) {
	for _, n := range append(append(append([]string{}, realNames...), notNames...), refusedByDesign...) {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name := DisplayName(s)
		if name == "" {
			return
		}
		// Whatever passes never carries what a link, an address or an amount needs.
		if strings.ContainsAny(name, "@/:0123456789$€£¥") || strings.Contains(strings.ToLower(name), "www.") {
			t.Fatalf("DisplayName(%q) = %q", s, name)
		}
		checkUTS39(t, s, name)
		if UTF16Len(name) > MaxNameUnits {
			t.Fatalf("DisplayName(%q) is %d units", s, UTF16Len(name))
		}
		// A dot inside a word only between single letters (initials): no domain has a one-letter
		// top-level label.
		for w := range strings.SplitSeq(name, " ") {
			if !strings.Contains(strings.TrimSuffix(w, "."), ".") {
				continue // no dot, or one ending an abbreviation
			}
			parts := strings.Split(w, ".")
			if parts[len(parts)-1] != "" {
				t.Fatalf("DisplayName(%q) = %q: a dot between letters", s, name)
			}
			for _, p := range parts[:len(parts)-1] {
				if utf8.RuneCountInString(p) != 1 {
					t.Fatalf("DisplayName(%q) = %q: a dot inside a word that is not initials", s, name)
				}
			}
		}
	})
}

// uts39 is the test's own reading of the committed UTS #39 files, independent of names_gen.go: the
// table is checked against it, and so is whatever FuzzPersonName lets through.
type uts39 struct {
	allowed   map[rune]bool
	confusion map[rune]string
	digitSk   map[string]bool // skeletons of the ASCII digits
}

// uts39Sums are the SHA-256 of Unicode 15.0.0's security files, as tools/genunicode pins them.
var uts39Sums = map[string]string{
	"IdentifierStatus.txt": "fd5c5e510914a2018e092bc51ea653bd2bfcf7daa116a346f09179a0f74704b0",
	"confusables.txt":      "2b10130885c3370b101c52d7baedc452ab7f0e257b86c1e52ee657ecfc29ce64",
}

var loadUTS39 = sync.OnceValues(func() (*uts39, error) {
	u := &uts39{allowed: map[rune]bool{}, confusion: map[rune]string{}, digitSk: map[string]bool{}}
	for name, want := range uts39Sums {
		b, err := os.ReadFile(filepath.Join("testdata", "uts39", name))
		if err != nil {
			return nil, err
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want {
			return nil, os.ErrInvalid
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line, _, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "\ufeff"), "#")
			f := strings.Split(line, ";")
			if len(f) < 2 {
				continue
			}
			first, last, ok := strings.Cut(strings.TrimSpace(f[0]), "..")
			if !ok {
				last = first
			}
			lo, _ := strconv.ParseUint(first, 16, 32)
			hi, _ := strconv.ParseUint(last, 16, 32)
			switch name {
			case "IdentifierStatus.txt":
				for r := rune(lo); r <= rune(hi); r++ {
					u.allowed[r] = strings.TrimSpace(f[1]) == "Allowed"
				}
			case "confusables.txt":
				var proto []rune
				for _, h := range strings.Fields(f[1]) {
					v, _ := strconv.ParseUint(h, 16, 32)
					proto = append(proto, rune(v))
				}
				u.confusion[rune(lo)] = string(proto)
			}
		}
	}
	for r := '0'; r <= '9'; r++ {
		u.digitSk[u.skeleton(r)] = true
	}
	return u, nil
})

func mustUTS39(t testing.TB) *uts39 {
	t.Helper()
	u, err := loadUTS39()
	if err != nil {
		t.Fatalf("testdata/uts39: %v (the Unicode 15.0.0 security files, unchanged)", err)
	}
	return u
}

// skeleton is UTS #39's skeleton of r: NFD, prototypes from confusables.txt, NFD.
func (u *uts39) skeleton(r rune) string {
	var b strings.Builder
	for _, x := range norm.NFD.String(string(r)) {
		if p, ok := u.confusion[x]; ok {
			b.WriteString(p)
		} else {
			b.WriteRune(x)
		}
	}
	return norm.NFD.String(b.String())
}

// readsAsSymbol reports whether r's skeleton shows an ASCII digit, punctuation mark or symbol other
// than the apostrophe: what a link, an address, an amount or a sentence needs.
func (u *uts39) readsAsSymbol(r rune) bool {
	for _, x := range u.skeleton(r) {
		if x < 0x80 && x != '\'' && !unicode.IsLetter(x) {
			return true
		}
	}
	return false
}

// Decisions PersonName documents, restated here so that the checks below can tell them from bugs.
var (
	clickLetters   = "ǀǁǂǃ"
	lookalikesKept = "бЗノ"
	assigned13     = rangetable.Assigned("13.0.0")
)

// TestNameTableFollowsUTS39 checks every code point of the generated table against the committed
// UTS #39 files and Unicode 13's assigned set (x/text), not against the generator's own logic.
func TestNameTableFollowsUTS39(t *testing.T) {
	u := mustUTS39(t)
	if nameUnicodeVersion != "15.0.0" {
		t.Fatalf("names_gen.go is built from Unicode %s; testdata/uts39 holds 15.0.0", nameUnicodeVersion)
	}
	letters := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		c := classOf(r)
		if !c.ok() {
			// Refused: then it is not Allowed, not assigned in 13, not a letter or mark, a look-alike,
			// of no script, or a mark no letter is made of. Spot the letters that should pass.
			if u.allowed[r] && unicode.Is(assigned13, r) && unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lo, unicode.Lt) &&
				!unicode.Is(unicode.Common, r) && !u.readsAsSymbol(r) && r != 'ॱ' {
				t.Errorf("U+%04X %q is an Allowed letter but the table refuses it", r, r)
			}
			continue
		}
		letters++
		if !u.allowed[r] && !strings.ContainsRune(clickLetters, r) {
			t.Errorf("U+%04X %q is in the table but not Allowed in IdentifierStatus.txt", r, r)
		}
		if !unicode.Is(assigned13, r) {
			t.Errorf("U+%04X %q is in the table but not assigned in Unicode 13", r, r)
		}
		if !unicode.In(r, unicode.L, unicode.M) {
			t.Errorf("U+%04X %q is in the table but neither a letter nor a mark", r, r)
		}
		if c.mark() != unicode.Is(unicode.M, r) {
			t.Errorf("U+%04X %q: mark flag %v", r, r, c.mark())
		}
		if u.readsAsSymbol(r) && !strings.ContainsRune(lookalikesKept+"ǃ", r) {
			t.Errorf("U+%04X %q is in the table but its skeleton %q reads as a digit or a symbol", r, r, u.skeleton(r))
		}
		if got, want := c.flags&nameDigitLike != 0, u.digitSk[u.skeleton(r)]; got != want {
			t.Errorf("U+%04X %q: digit look-alike %v; want %v (skeleton %q)", r, r, got, want, u.skeleton(r))
		}
		if unicode.Is(unicode.Common, r) && !strings.ContainsRune("ʻʼー", r) {
			t.Errorf("U+%04X %q is a letter of no script: it would pass the mixing check anywhere", r, r)
		}
	}
	if letters < 100000 {
		t.Errorf("the table has %d characters; Han, Hangul and the alphabets make well over 100,000", letters)
	}
	for _, r := range "\u0338\u0335\U0001D16D\uA8E0ǱǲǳĲĳȢƻƷƼːꞏ" {
		if classOf(r).ok() {
			t.Errorf("U+%04X %q is in the table", r, r)
		}
	}
}

// scriptOfLetter is the one script of a letter or mark from Go's own tables (nil for Common and
// Inherited), for the fuzz oracle's mixing check.
func scriptOfLetter(r rune) *unicode.RangeTable {
	if unicode.Is(unicode.Common, r) || unicode.Is(unicode.Inherited, r) {
		return nil
	}
	for _, t := range unicode.Scripts {
		if unicode.Is(t, r) {
			return t
		}
	}
	return nil
}

// checkUTS39 fails when name, which passed DisplayName, has a character outside the profile, one that
// reads as a digit or a symbol (but for the documented exceptions, used as documented), a word made
// only of digit look-alikes, or a word mixing scripts that are not written together.
func checkUTS39(t *testing.T, in, name string) {
	t.Helper()
	u := mustUTS39(t)
	for w := range strings.SplitSeq(name, " ") {
		rs := []rune(w)
		letters, lookalikes := 0, 0
		scripts := map[*unicode.RangeTable]bool{}
		for i, r := range rs {
			if !u.allowed[r] && !strings.ContainsRune(clickLetters, r) {
				t.Fatalf("DisplayName(%q) = %q: U+%04X is outside the profile", in, name, r)
			}
			if !unicode.Is(assigned13, r) {
				t.Fatalf("DisplayName(%q) = %q: U+%04X is not assigned in Unicode 13", in, name, r)
			}
			if u.readsAsSymbol(r) {
				switch {
				case r == '-' || r == '‐' || r == '.': // the hyphen and dot rules, checked elsewhere
				case strings.ContainsRune(lookalikesKept, r):
				case r == 'ǃ' && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) && rs[i+1] != 'ǃ':
				default:
					t.Fatalf("DisplayName(%q) = %q: U+%04X %q reads as %q", in, name, r, r, u.skeleton(r))
				}
			}
			if unicode.IsLetter(r) && r != 'ʻ' && r != 'ʼ' {
				letters++
				if u.digitSk[u.skeleton(r)] {
					lookalikes++
				}
			}
			if s := scriptOfLetter(r); s != nil {
				scripts[s] = true
			}
		}
		if letters >= 2 && lookalikes == letters {
			t.Fatalf("DisplayName(%q) = %q: %q is all digit look-alikes", in, name, w)
		}
		if len(scripts) > 1 && !writtenTogether(scripts) {
			t.Fatalf("DisplayName(%q) = %q: %q mixes scripts", in, name, w)
		}
	}
}

// writtenTogether reports whether scripts are one of the sets a single word may mix: Japanese,
// Korean, or Chinese with Bopomofo.
func writtenTogether(scripts map[*unicode.RangeTable]bool) bool {
	for _, group := range [][]*unicode.RangeTable{
		{unicode.Han, unicode.Hiragana, unicode.Katakana},
		{unicode.Han, unicode.Hangul},
		{unicode.Han, unicode.Bopomofo},
	} {
		n := 0
		for _, s := range group {
			if scripts[s] {
				n++
			}
		}
		if n == len(scripts) {
			return true
		}
	}
	return false
}

func BenchmarkDisplayName(b *testing.B) {
	names := []string{"Lena", "José María", "Nguyễn Thị Minh Khai", "山田太郎", "Дмитрий Иванов", "J.K. Rowling", "evil.example"}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			DisplayName("Account locked! Restore at https://evil.example/r", n)
		}
	}
}

// TestPersonNameCounts pins the counting rules one step each side (a mutation run moved each by one
// without a failing test).
func TestPersonNameCounts(t *testing.T) {
	for s, want := range map[string]bool{
		"五十嵐":                         true,  // Igarashi: two Han numerals in a row are a name
		"五十五":                         false, // three read as a number
		"Nguye\u0302\u0303n":          true,  // Vietnamese: two marks on one letter, decomposed
		"Ne\u0301\u0302\u0303":        true,  // three different marks: still a letter
		"Ne\u0301\u0302\u0303\u0304b": false, // four: noise
		"Bo":                          true,
		"OO":                          false, // two digit look-alikes: reads as "00"
		"O":                           true,  // one letter alone is an initial, not a number
		"Gal·la":                      true,  // the Catalan l·l
		"Pa·la":                       false, // a middle dot after another letter is no l·l
	} {
		if got := PersonName(s); got != want {
			t.Errorf("PersonName(%q) = %v; want %v", s, got, want)
		}
	}
}
