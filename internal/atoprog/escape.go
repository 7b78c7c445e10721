package atoprog

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escaper is one of the escaping functions html/template inserts into a template's actions. They
// are written here, not called, because html/template keeps them unexported and linking it is
// what this package avoids. Each produces the bytes html/template's function of the same name
// produces for a plain (untyped) string; the equivalence test in package templates renders every
// shipped mail both ways, and escape_test.go compares each one on hostile inputs.
type Escaper uint8

// The escapers implemented, named by the function html/template inserts.
const (
	EscHTML      Escaper = iota + 1 // _html_template_htmlescaper: element text
	EscRCDATA                       // _html_template_rcdataescaper: <title>, <textarea>
	EscAttr                         // _html_template_attrescaper: a quoted attribute value
	EscURLFilter                    // _html_template_urlfilter: refuses schemes other than http(s), mailto
	EscURLNorm                      // _html_template_urlnormalizer: percent-encodes what a URL may not hold
	EscCSSValue                     // _html_template_cssvaluefilter: refuses what could leave a CSS value
)

// Escapers maps the names html/template inserts to the implementations; the compiler refuses any
// other name.
var Escapers = map[string]Escaper{
	"_html_template_htmlescaper":    EscHTML,
	"_html_template_rcdataescaper":  EscRCDATA,
	"_html_template_attrescaper":    EscAttr,
	"_html_template_urlfilter":      EscURLFilter,
	"_html_template_urlnormalizer":  EscURLNorm,
	"_html_template_cssvaluefilter": EscCSSValue,
}

// failsafe is what html/template writes in place of a value a filter refused.
const failsafe = "ZgotmplZ"

func (e Escaper) apply(s string) (string, error) {
	switch e {
	case EscHTML, EscRCDATA, EscAttr:
		// For a plain string the three use the same table (they differ only on typed content,
		// which these templates never receive).
		return escapeHTML(s), nil
	case EscURLFilter:
		if !safeURL(s) {
			return "#" + failsafe, nil
		}
		return s, nil
	case EscURLNorm:
		return normalizeURL(s), nil
	case EscCSSValue:
		return cssValue(s), nil
	}
	return "", fmt.Errorf("atoprog: unknown escaper %d", e)
}

// htmlReplacements is html/template's table for text and quoted attributes: NUL becomes U+FFFD
// (as an HTML parser would make it), and the five characters that could end a text run or an
// attribute become references; '+' too, which UTF-7 sniffing browsers once read as a start.
var htmlReplacements = [...]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

func escapeHTML(s string) string {
	var b strings.Builder
	written := 0
	// Byte by byte: the table is all ASCII, and a byte of a multi-byte (or invalid) sequence is
	// never below 0x80, so it is copied as it is, as html/template copies undecodable input.
	for i := 0; i < len(s); i++ {
		c := s[i]
		if int(c) >= len(htmlReplacements) || htmlReplacements[c] == "" {
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteString(htmlReplacements[c])
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// safeURL reports whether s is relative or its scheme is http, https or mailto; a colon after a
// slash is part of the path, not a scheme.
func safeURL(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok || strings.Contains(scheme, "/") {
		return true
	}
	return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
}

// normalizeURL percent-encodes every byte that is neither unreserved (RFC 3986 2.3) nor reserved
// (except quote and parentheses, encoded so the URL may sit in single quotes or CSS url()), and
// keeps an existing %XX escape.
func normalizeURL(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case strings.IndexByte("-._~!#$&*+,/:;=?@[]", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(&b, "%%%02x", c)
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// cssValue decodes CSS escapes, then refuses a value holding anything that could close the value,
// the declaration or a string (quotes, brackets, ;, /, \, @, <, >, NUL, "--"), or whose
// identifier characters spell "expression" or "mozbinding"; else it returns the decoded value.
func cssValue(s string) string {
	b := decodeCSS(s)
	var id []byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch c {
		case 0, '"', '\'', '(', ')', '/', ';', '@', '[', '\\', ']', '`', '{', '}', '<', '>':
			return failsafe
		case '-':
			if i != 0 && b[i-1] == '-' {
				return failsafe
			}
			// A single hyphen is not collected: "expres-sion" must still be refused.
		default:
			if c >= utf8.RuneSelf {
				continue // non-ASCII bytes are name characters but never part of the two words
			}
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' {
				id = append(id, c)
			}
		}
	}
	lower := strings.ToLower(string(id))
	if strings.Contains(lower, "expression") || strings.Contains(lower, "mozbinding") {
		return failsafe
	}
	return b
}

// decodeCSS decodes CSS3 escapes: a backslash and 1–6 hex digits (then one optional white space)
// is that code point, a backslash and any other character is that character.
func decodeCSS(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for len(s) != 0 {
		i := strings.IndexByte(s, '\\')
		if i < 0 {
			i = len(s)
		}
		b, s = append(b, s[:i]...), s[i:]
		if len(s) < 2 {
			break // a lone trailing backslash is dropped
		}
		if isHex(s[1]) {
			j := 2
			for j < len(s) && j < 7 && isHex(s[j]) {
				j++
			}
			r := hexValue(s[1:j])
			if r > unicode.MaxRune {
				r, j = r/16, j-1
			}
			b = utf8.AppendRune(b, r)
			s = skipCSSSpace(s[j:])
		} else {
			_, n := utf8.DecodeRuneInString(s[1:])
			b, s = append(b, s[1:1+n]...), s[1+n:]
		}
	}
	return string(b)
}

func hexValue(s string) rune {
	var n rune
	for i := 0; i < len(s); i++ {
		c := s[i]
		n <<= 4
		switch {
		case '0' <= c && c <= '9':
			n |= rune(c - '0')
		case 'a' <= c && c <= 'f':
			n |= rune(c-'a') + 10
		default:
			n |= rune(c-'A') + 10
		}
	}
	return n
}

// skipCSSSpace drops the one white space (CRLF counting as one) that may end a hex escape.
func skipCSSSpace(s string) string {
	switch {
	case s == "":
		return s
	case strings.HasPrefix(s, "\r\n"):
		return s[2:]
	case strings.IndexByte("\t\n\f\r ", s[0]) >= 0:
		return s[1:]
	}
	return s
}
