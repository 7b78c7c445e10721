package messages

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// realNames must pass PersonName: each is a name somebody has, written as they write it.
var realNames = []string{
	"Zoë", "José María", "O'Brien", "Anne-Marie", "Nguyễn Văn An", "山田太郎", "محمد", "D'Angelo Jr",
	"Lena", "Léna", "Jürgen", "Søren", "Łukasz", "Ørjan", "Ðorđe", "Ágnes", "Çağla", "Şükrü", "Zoë O’Neill",
	"María José García López", "Jean-Luc Picard", "Mary-Kate", "'t Hooft", "Ngũgĩ", "Nǃxau", "Kʻaʻeo",
	"Hawaiʻi", "Smith Jr.", "J. R. Tolkien", "Gal·la", "Paul·la", "ジョン・スミス", "山田 太郎", "佐々木", "一郎", "三千代",
	"やまだ たろう", "ジョーンズ", "王芳", "李小龙", "김민준", "金민준", "Александр", "Дмитрий Иванов", "Γιώργος",
	"Νίκος Παπαδόπουλος", "Արամ", "ג׳ון", "דוד כהן", "فاطمة الزهراء", "عبد الله", "अमित", "प्रिया शर्मा",
	"সৌরভ", "தமிழ்செல்வன்", "สมชาย", "გიორგი", "አበበ", "ꮎꮎ", "Владимир", "Joaquín", "Ñusta", "Ævar", "Þór",
	"Renée", "Mc Kay", "Björk", "Dž", "Ǉubica", "Ælfrēd", "J.K. Rowling", "A.J. Smith", "约翰·史密斯",
	"买买提·艾力", "А.С. Пушкин", "ゆゞこ",
}

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
	"", "'",
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

func FuzzPersonName(f *testing.F) {
	for _, n := range append(append([]string{}, realNames...), notNames...) {
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
