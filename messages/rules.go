package messages

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits from Cognito's API reference (MessageTemplateType). Cognito is a Java service and counts
// characters as UTF-16 code units, so an emoji outside the BMP counts twice here too.
const (
	MinEmail   = 6
	MaxEmail   = 20000
	MinSubject = 1
	MaxSubject = 140
	MinSMS     = 6
	MaxSMS     = 140
)

// Bounds on what user data may add to a message, in UTF-16 units: the handler cuts the display name
// and the product name to them, and the catalog tests and the template linter render every message
// with values this long to prove no attribute can push a message past a limit.
const (
	MaxNameUnits    = 64
	MaxAppNameUnits = 32
)

// Part names one of the three messages a reply carries.
type Part string

// The parts of a message set, in the order the files are listed.
const (
	PartSubject Part = "subject"
	PartEmail   Part = "email"
	PartSMS     Part = "sms"
)

// Message is one rendered message set: Cognito uses the email parts or the SMS, whichever it delivers.
type Message struct {
	Subject string
	Email   string
	SMS     string
	// Text is the email as plain text, for the custom sender's multipart mail; Cognito's reply has
	// no place for it, so the rules of Check do not apply to it.
	Text string
}

// Placeholders are the strings Cognito substitutes after the trigger returns. Code is always required;
// Username only for invitations (AdminCreateUser); Link is never required.
type Placeholders struct {
	Code     string
	Username string
	Link     string
}

// RuleError says which Cognito rule a rendered message breaks.
type RuleError struct {
	Part   Part
	Rule   string
	Detail string
}

func (e *RuleError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%s: %s", e.Part, e.Rule)
	}
	return fmt.Sprintf("%s: %s (%s)", e.Part, e.Rule, e.Detail)
}

// Rule names, stable so logs, metrics and the lint report can group by them.
const (
	RuleCodeMissing     = "code placeholder missing"
	RuleUsernameMissing = "username placeholder missing"
	RulePlaceholderIn   = "placeholder in subject"
	RuleTooShort        = "too short"
	RuleTooLong         = "too long"
	RuleCharacter       = "character outside Cognito's accepted classes"
	RuleMultiline       = "subject spans several lines"
)

// Check reports the first way m breaks Cognito's rules, or nil. The placeholders must already be
// valid (see ValidPlaceholder).
func Check(m Message, p Placeholders) error {
	if err := checkText(PartSubject, m.Subject, MinSubject, MaxSubject); err != nil {
		return err
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return &RuleError{Part: PartSubject, Rule: RuleMultiline}
	}
	// Cognito never fills a placeholder inside the subject: the user would see "{####}".
	for _, ph := range []string{p.Code, p.Username, p.Link} {
		if ph != "" && strings.Contains(m.Subject, ph) {
			return &RuleError{Part: PartSubject, Rule: RulePlaceholderIn, Detail: ph}
		}
	}
	for _, part := range []struct {
		name     Part
		text     string
		min, max int
	}{{PartEmail, m.Email, MinEmail, MaxEmail}, {PartSMS, m.SMS, MinSMS, MaxSMS}} {
		if err := checkText(part.name, part.text, part.min, part.max); err != nil {
			return err
		}
		if !strings.Contains(part.text, p.Code) {
			return &RuleError{Part: part.name, Rule: RuleCodeMissing}
		}
		if p.Username != "" && !strings.Contains(part.text, p.Username) {
			return &RuleError{Part: part.name, Rule: RuleUsernameMissing}
		}
	}
	return nil
}

func checkText(part Part, s string, min, max int) error {
	n := UTF16Len(s)
	if n < min {
		return &RuleError{Part: part, Rule: RuleTooShort, Detail: fmt.Sprintf("%d < %d", n, min)}
	}
	if n > max {
		return &RuleError{Part: part, Rule: RuleTooLong, Detail: fmt.Sprintf("%d > %d", n, max)}
	}
	if i, r, ok := FirstRejected(s); ok {
		return &RuleError{Part: part, Rule: RuleCharacter, Detail: fmt.Sprintf("%U at byte %d", r, i)}
	}
	return nil
}

// UTF16Len counts s the way Cognito's limits do: in UTF-16 code units.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Accepted reports whether Cognito's message patterns accept r: letters, marks, symbols, numbers,
// punctuation and the ASCII white space that Java's \s matches. Everything else — NBSP and the other
// Unicode spaces, format characters (ZWJ, bidi marks, soft hyphen), controls, private use — is rejected.
func Accepted(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	case utf8.RuneError:
		return false
	}
	if r < 0x80 {
		return r > 0x20 && r < 0x7f
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.S, unicode.N, unicode.P)
}

// FirstRejected returns the byte offset and rune of the first character Cognito would reject
// (invalid UTF-8 included), and whether there is one.
func FirstRejected(s string) (int, rune, bool) {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i, r, true
			}
		}
		if !Accepted(r) {
			return i, r, true
		}
	}
	return 0, 0, false
}

// ValidPlaceholder reports whether a placeholder from the event has Cognito's shape and can be put
// into every part verbatim: braced ("{####}", "{username}", "{##Click Here##}"), short, nothing HTML or
// a template treats specially, only accepted characters. Junk such as "", "None" or "####" is refused.
func ValidPlaceholder(s string) bool {
	if len(s) < 3 || len(s) > 64 || s[0] != '{' || s[len(s)-1] != '}' ||
		strings.ContainsAny(s, "<>&\"'`\r\n\t") {
		return false
	}
	_, _, bad := FirstRejected(s)
	return !bad
}

// Sanitize makes a user attribute safe to interpolate into any part: invalid UTF-8, controls, format
// characters (zero-width, bidi, soft hyphen) and private-use characters are dropped; every kind of
// space (NBSP, narrow NBSP, tabs, newlines) becomes one ASCII space; braces become parentheses so an
// attribute can never look like a Cognito placeholder; the result is trimmed and cut to max UTF-16
// code units, the unit of Cognito's limits, so an emoji costs two.
// HTML escaping is left to html/template.
func Sanitize(s string, max int) string {
	var b strings.Builder
	b.Grow(min(len(s), max*4))
	units, space := 0, false
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				continue
			}
		}
		if unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) {
			space = b.Len() > 0
			continue
		}
		switch r {
		case '{':
			r = '('
		case '}':
			r = ')'
		}
		if !Accepted(r) {
			continue
		}
		n := UTF16Len(string(r))
		if space {
			n++
		}
		if units+n > max { // no room for the character (and the space before it)
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		units += n
	}
	return b.String()
}
