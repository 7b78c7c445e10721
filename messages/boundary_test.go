package messages

import (
	"strings"
	"testing"
)

// Boundaries of Cognito's rules, one side each: a mutation test showed the rules' comparisons could
// move by one without a test noticing.

func TestLimitsAtTheirEdges(t *testing.T) {
	ph := Placeholders{Code: "{####}"}
	pad := func(n int) string { return strings.Repeat("a", n) }
	ok := Message{Subject: "S", Email: "{####}", SMS: "{####}"}
	cases := []struct {
		name string
		m    Message
		rule string // "" = accepted
	}{
		{"shortest of each", ok, ""},
		{"empty subject", Message{Subject: "", Email: "{####}", SMS: "{####}"}, RuleTooShort},
		{"subject of 140", Message{Subject: pad(MaxSubject), Email: "{####}", SMS: "{####}"}, ""},
		{"subject of 141", Message{Subject: pad(MaxSubject + 1), Email: "{####}", SMS: "{####}"}, RuleTooLong},
		{"SMS of 140", Message{Subject: "S", Email: "{####}", SMS: "{####}" + pad(MaxSMS-6)}, ""},
		{"SMS of 141", Message{Subject: "S", Email: "{####}", SMS: "{####}" + pad(MaxSMS-5)}, RuleTooLong},
		{"SMS of 140 with an emoji counted twice", Message{Subject: "S", Email: "{####}", SMS: "{####}" + pad(MaxSMS-8) + "😀"}, ""},
		{"SMS of 141 with an emoji counted twice", Message{Subject: "S", Email: "{####}", SMS: "{####}" + pad(MaxSMS-7) + "😀"}, RuleTooLong},
		{"email of 20,000", Message{Subject: "S", Email: "{####}" + pad(MaxEmail-6), SMS: "{####}"}, ""},
		{"email of 20,001", Message{Subject: "S", Email: "{####}" + pad(MaxEmail-5), SMS: "{####}"}, RuleTooLong},
	}
	for _, c := range cases {
		err := Check(c.m, ph)
		var got string
		if re, isRule := err.(*RuleError); isRule {
			got = re.Rule
		} else if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.rule {
			t.Errorf("%s: rule %q; want %q (%v)", c.name, got, c.rule, err)
		}
	}
}

func TestUTF16LenAtTheSurrogateEdge(t *testing.T) {
	for s, want := range map[string]int{"\uffff": 1, "\U00010000": 2, "a\U0010ffff": 3, "": 0} {
		if got := UTF16Len(s); got != want {
			t.Errorf("UTF16Len(%q) = %d; want %d", s, got, want)
		}
	}
}

func TestAcceptedASCIIEdges(t *testing.T) {
	for r, want := range map[rune]bool{0x1f: false, ' ': true, '!': true, '~': true, 0x7f: false, 0x80: false, 0xa0: false, 'é': true, 0xfffd: false} {
		if got := Accepted(r); got != want {
			t.Errorf("Accepted(%U) = %v; want %v", r, got, want)
		}
	}
	// U+FFFD is refused even written out: it cannot be told from invalid UTF-8 decoded, and no
	// template or name needs it.
	if _, _, bad := FirstRejected("a\uFFFDb"); !bad {
		t.Error("a literal U+FFFD is accepted")
	}
	if i, _, bad := FirstRejected("ab\xffc"); !bad || i != 2 {
		t.Errorf("invalid UTF-8: FirstRejected = %d, %v; want byte 2", i, bad)
	}
}

func TestValidPlaceholderLength(t *testing.T) {
	for s, want := range map[string]bool{
		"{}": false, "{x}": true, "{" + strings.Repeat("#", 62) + "}": true, "{" + strings.Repeat("#", 63) + "}": false,
		"####}": false, "{####": false,
	} {
		if got := ValidPlaceholder(s); got != want {
			t.Errorf("ValidPlaceholder(%q) (%d bytes) = %v; want %v", s, len(s), got, want)
		}
	}
}

func TestSanitizeCutsAtTheUnitLimit(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"abcd", 4, "abcd"},
		{"abcde", 4, "abcd"},
		{"ab cd", 4, "ab c"},            // the space counts
		{"abc de", 4, "abc"},            // no room for the space and a letter: neither
		{"abc😀", 4, "abc"},              // the emoji needs two units
		{"ab😀", 4, "ab😀"},               // exactly four
		{"  a\u00a0\u00a0b ", 8, "a b"}, // spaces folded, trimmed
		{"{x}", 8, "(x)"},
	} {
		if got := Sanitize(c.in, c.max); got != c.want {
			t.Errorf("Sanitize(%q, %d) = %q; want %q", c.in, c.max, got, c.want)
		}
	}
}

func TestVariantOf(t *testing.T) {
	for d, want := range map[Data]Variant{
		{}:                                    {},
		{Name: "n"}:                           {Name: true},
		{Link: "{##x##}"}:                     {Link: true},
		{Username: "{username}"}:              {Username: true},
		{Name: "n", Link: "l", Username: "u"}: {Name: true, Link: true, Username: true},
	} {
		if got := VariantOf(d); got != want {
			t.Errorf("VariantOf(%+v) = %+v; want %+v", d, got, want)
		}
	}
}
