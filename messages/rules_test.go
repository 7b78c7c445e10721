package messages

import (
	"errors"
	"strings"
	"testing"
)

func goodMessage() Message {
	return Message{Subject: "Your code", Email: "<p>Your code is {####}</p>", SMS: "Code: {####}"}
}

func TestCheck(t *testing.T) {
	ph := Placeholders{Code: "{####}"}
	invite := Placeholders{Code: "{####}", Username: "{username}"}
	with := func(f func(*Message)) Message { m := goodMessage(); f(&m); return m }
	cases := []struct {
		name string
		msg  Message
		ph   Placeholders
		part Part
		rule string // "" = valid
	}{
		{"valid", goodMessage(), ph, "", ""},
		{"valid invitation", Message{Subject: "Welcome", Email: "User {username} pass {####}", SMS: "{username} {####}"}, invite, "", ""},
		{"email without code", with(func(m *Message) { m.Email = "<p>Hello there</p>" }), ph, PartEmail, RuleCodeMissing},
		{"sms without code", with(func(m *Message) { m.SMS = "Hello there" }), ph, PartSMS, RuleCodeMissing},
		{"code in subject", with(func(m *Message) { m.Subject = "Code {####}" }), ph, PartSubject, RulePlaceholderIn},
		{"username in subject", Message{Subject: "Hi {username}", Email: "{username} {####}", SMS: "{username} {####}"}, invite, PartSubject, RulePlaceholderIn},
		{"invitation without username", goodMessage(), invite, PartEmail, RuleUsernameMissing},
		{"empty subject", with(func(m *Message) { m.Subject = "" }), ph, PartSubject, RuleTooShort},
		{"subject 140", with(func(m *Message) { m.Subject = strings.Repeat("a", 140) }), ph, "", ""},
		{"subject 141", with(func(m *Message) { m.Subject = strings.Repeat("a", 141) }), ph, PartSubject, RuleTooLong},
		{"subject 70 emoji is 140 UTF-16 units", with(func(m *Message) { m.Subject = strings.Repeat("😀", 70) }), ph, "", ""},
		{"subject 71 emoji", with(func(m *Message) { m.Subject = strings.Repeat("😀", 71) }), ph, PartSubject, RuleTooLong},
		{"subject two lines", with(func(m *Message) { m.Subject = "a\nb" }), ph, PartSubject, RuleMultiline},
		{"sms 140", with(func(m *Message) { m.SMS = "{####}" + strings.Repeat("a", 134) }), ph, "", ""},
		{"sms 141", with(func(m *Message) { m.SMS = "{####}" + strings.Repeat("a", 135) }), ph, PartSMS, RuleTooLong},
		{"sms too short", Message{Subject: "Code", Email: "Code {##}", SMS: "{##}"}, Placeholders{Code: "{##}"}, PartSMS, RuleTooShort},
		{"email 20000", with(func(m *Message) { m.Email = "{####}" + strings.Repeat("a", 19994) }), ph, "", ""},
		{"email 20001", with(func(m *Message) { m.Email = "{####}" + strings.Repeat("a", 19995) }), ph, PartEmail, RuleTooLong},
		{"NBSP in subject", with(func(m *Message) { m.Subject = "Code\u00a0:" }), ph, PartSubject, RuleCharacter},
		{"narrow NBSP in email", with(func(m *Message) { m.Email = "{####}\u202f!" }), ph, PartEmail, RuleCharacter},
		{"ZWJ in email", with(func(m *Message) { m.Email = "{####} 👩\u200d💻" }), ph, PartEmail, RuleCharacter},
		{"LRM in sms", with(func(m *Message) { m.SMS = "{####}\u200e" }), ph, PartSMS, RuleCharacter},
		{"RLO in email", with(func(m *Message) { m.Email = "{####}\u202e" }), ph, PartEmail, RuleCharacter},
		{"soft hyphen", with(func(m *Message) { m.Email = "{####} Pass\u00adwort" }), ph, PartEmail, RuleCharacter},
		{"ideographic space", with(func(m *Message) { m.Subject = "確認\u3000コード" }), ph, PartSubject, RuleCharacter},
		{"invalid UTF-8", with(func(m *Message) { m.Email = "{####} \xff" }), ph, PartEmail, RuleCharacter},
		{"NUL", with(func(m *Message) { m.SMS = "{####}\x00" }), ph, PartSMS, RuleCharacter},
		{"tab and CR are white space", with(func(m *Message) { m.Email = "{####}\t\r\n" }), ph, "", ""},
		{"arabic, CJK, emoji accepted", Message{Subject: "رمز 確認 😀", Email: "{####} ١٢٣ 【】：", SMS: "{####} ،"}, ph, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.msg, c.ph)
			if c.rule == "" {
				if err != nil {
					t.Fatalf("Check = %v; want nil", err)
				}
				return
			}
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("Check = %v; want a RuleError %s/%s", err, c.part, c.rule)
			}
			if re.Part != c.part || re.Rule != c.rule {
				t.Errorf("Check = %s/%s; want %s/%s", re.Part, re.Rule, c.part, c.rule)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"Lena", 64, "Lena"},
		{"  Jean\u00a0Pierre \u202f Dupont ", 64, "Jean Pierre Dupont"},
		{"Zoë\u200d\u200e\u200f\u202a\u202e\u2066\u00ad", 64, "Zoë"},
		{"a\tb\nc\r\nd", 64, "a b c d"},
		{"<b>Bob</b> & 'Al'", 64, "<b>Bob</b> & 'Al'"}, // escaping is html/template's job
		{"{####} {username} {{.Code}}", 64, "(####) (username) ((.Code))"},
		{"bad\xff\xfeutf8", 64, "badutf8"},
		{"\x00\x07ctrl\x1b[31m", 64, "ctrl[31m"},
		{"\ue000private", 64, "private"},
		{"山田 太郎", 64, "山田 太郎"},
		{"ليلى", 64, "ليلى"},
		{"abcdef", 3, "abc"},
		{"ab cdef", 3, "ab"}, // never ends on the space it had no room to follow
		{"😀😀😀😀", 5, "😀😀"},    // an emoji is two UTF-16 units
		{"\u00a0\u200b\u3000", 64, ""},
		{"", 64, ""},
	}
	for _, c := range cases {
		if got := Sanitize(c.in, c.max); got != c.want {
			t.Errorf("Sanitize(%q, %d) = %q; want %q", c.in, c.max, got, c.want)
		}
		if _, r, bad := FirstRejected(Sanitize(c.in, c.max)); bad {
			t.Errorf("Sanitize(%q) kept rejected %U", c.in, r)
		}
	}
}

func TestValidPlaceholder(t *testing.T) {
	for in, want := range map[string]bool{
		"{####}": true, "{username}": true, "{##Click Here##}": true,
		"": false, "None": false, "####": false, "{}": false, "{<b>}": false, "{a&b}": false,
		"{\"}": false, "{a\u00a0b}": false, "{" + strings.Repeat("#", 70) + "}": false, "{##}\n": false,
	} {
		if got := ValidPlaceholder(in); got != want {
			t.Errorf("ValidPlaceholder(%q) = %v; want %v", in, got, want)
		}
	}
}

// FuzzSanitize: whatever goes in, what comes out is accepted by Cognito, fits the bound, and cannot
// pose as a placeholder.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"Lena", "  Jean\u00a0Pierre ", "{####}", "\xff\xfe", "😀😀😀", "ليلى\u200f"} {
		f.Add(s, 8)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1000 {
			return
		}
		out := Sanitize(s, max)
		if _, r, bad := FirstRejected(out); bad {
			t.Fatalf("Sanitize(%q) kept %U", s, r)
		}
		if UTF16Len(out) > max {
			t.Fatalf("Sanitize(%q, %d) is %d units long", s, max, UTF16Len(out))
		}
		if strings.ContainsAny(out, "{}") || out != strings.TrimSpace(out) || strings.Contains(out, "  ") {
			t.Fatalf("Sanitize(%q) = %q", s, out)
		}
	})
}
