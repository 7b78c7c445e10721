package main

import (
	"html"
	"strings"
)

// PlainText renders an HTML email as terminal text: block elements become line breaks (paragraphs
// and headings a blank line), links read "text <url>", images their alt text, entities are decoded
// and no tag is left. The document head (title, styles) and scripts are dropped.
//
// It is written by hand, not with golang.org/x/net/html, because that module is not a dependency of
// this project and the emails it must read are the project's own: well-formed, inline-styled HTML
// built from templates. What it needs of HTML's syntax is comments, doctype, quoted attributes and
// raw-text elements; it does not repair broken markup the way a browser would.
func PlainText(doc string) string {
	var t textWriter
	var links []openLink
	for i := 0; i < len(doc); {
		lt := strings.IndexByte(doc[i:], '<')
		if lt < 0 {
			t.text(doc[i:])
			break
		}
		t.text(doc[i : i+lt])
		i += lt
		switch {
		case strings.HasPrefix(doc[i:], "<!--"):
			end := strings.Index(doc[i+4:], "-->")
			if end < 0 {
				return t.String()
			}
			i += 4 + end + 3
			continue
		case strings.HasPrefix(doc[i:], "<!"), strings.HasPrefix(doc[i:], "<?"):
			end := strings.IndexByte(doc[i:], '>')
			if end < 0 {
				return t.String()
			}
			i += end + 1
			continue
		}
		tag, next, ok := parseTag(doc, i)
		if !ok {
			// A "<" that starts no tag ("a < b" written unescaped) is text, as in a browser.
			t.text("<")
			i++
			continue
		}
		i = next
		switch {
		case !tag.closing && rawText[tag.name]:
			// The content of <style>, <script>, <title> and the rest of <head> is not shown.
			i = skipTo(doc, i, tag.name)
		case tag.name == "br":
			t.lineBreak(1)
		case tag.name == "img":
			if alt := strings.TrimSpace(tag.attrs["alt"]); alt != "" {
				t.space()
				t.write(alt)
				t.space()
			}
		case tag.name == "a" && !tag.closing:
			links = append(links, openLink{href: strings.TrimSpace(tag.attrs["href"]), start: t.mark()})
		case tag.name == "a" && tag.closing:
			if n := len(links); n > 0 {
				l := links[n-1]
				links = links[:n-1]
				t.link(l)
			}
		case tag.name == "td" || tag.name == "th":
			if !tag.closing {
				t.space()
			}
		case tag.name == "li" && !tag.closing:
			t.lineBreak(1)
			t.text("- ")
		default:
			if n, ok := blocks[tag.name]; ok {
				t.lineBreak(n)
			}
		}
	}
	return t.String()
}

// blocks are the elements that start and end on a line of their own, with the number of line
// breaks around them: 2 leaves a blank line, as a paragraph does.
var blocks = map[string]int{
	"p": 2, "h1": 2, "h2": 2, "h3": 2, "h4": 2, "h5": 2, "h6": 2, "blockquote": 2, "pre": 2,
	"table": 2, "ul": 2, "ol": 2, "hr": 2,
	"div": 1, "tr": 1, "body": 1, "html": 1, "section": 1, "header": 1, "footer": 1, "center": 1,
}

// rawText are the elements whose content is skipped up to their end tag. <head> holds only
// metadata and the <title>, which repeats the product name.
var rawText = map[string]bool{"head": true, "title": true, "style": true, "script": true}

type tag struct {
	name    string
	closing bool
	attrs   map[string]string
}

// parseTag reads the tag starting at doc[i] == '<'. It returns the index after its '>'.
func parseTag(doc string, i int) (tag, int, bool) {
	j := i + 1
	var t tag
	if j < len(doc) && doc[j] == '/' {
		t.closing = true
		j++
	}
	start := j
	for j < len(doc) && isNameByte(doc[j]) {
		j++
	}
	if j == start || !isLetter(doc[start]) {
		return tag{}, 0, false
	}
	t.name = strings.ToLower(doc[start:j])
	for j < len(doc) {
		c := doc[j]
		switch {
		case c == '>':
			return t, j + 1, true
		case c == '/' || isSpace(c):
			j++
		default:
			// An attribute: name, optionally = and a quoted or bare value.
			ns := j
			for j < len(doc) && !isSpace(doc[j]) && doc[j] != '=' && doc[j] != '>' && doc[j] != '/' {
				j++
			}
			name := strings.ToLower(doc[ns:j])
			for j < len(doc) && isSpace(doc[j]) {
				j++
			}
			var value string
			if j < len(doc) && doc[j] == '=' {
				j++
				for j < len(doc) && isSpace(doc[j]) {
					j++
				}
				if j < len(doc) && (doc[j] == '"' || doc[j] == '\'') {
					q := doc[j]
					end := strings.IndexByte(doc[j+1:], q)
					if end < 0 {
						return tag{}, 0, false
					}
					value = doc[j+1 : j+1+end]
					j += end + 2
				} else {
					vs := j
					for j < len(doc) && !isSpace(doc[j]) && doc[j] != '>' {
						j++
					}
					value = doc[vs:j]
				}
			}
			if t.attrs == nil {
				t.attrs = map[string]string{}
			}
			if _, seen := t.attrs[name]; !seen { // the first of a repeated attribute counts, as in HTML
				t.attrs[name] = html.UnescapeString(value)
			}
		}
	}
	return tag{}, 0, false
}

// skipTo returns the index after the end tag </name> at or after i, or the end of doc. Tag names
// are ASCII, so it folds ASCII case only: strings.ToLower could change the length of other text
// and shift every index after it.
func skipTo(doc string, i int, name string) int {
	for k := i; k+2+len(name) <= len(doc); k++ {
		if doc[k] != '<' || doc[k+1] != '/' || !asciiEqualFold(doc[k+2:k+2+len(name)], name) {
			continue
		}
		after := k + 2 + len(name)
		if after < len(doc) && isNameByte(doc[after]) {
			continue // </styles>, not </style>
		}
		if end := strings.IndexByte(doc[after:], '>'); end >= 0 {
			return after + end + 1
		}
		return len(doc)
	}
	return len(doc)
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameByte(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '-' || c == ':'
}

type openLink struct {
	href  string
	start int
}

// textWriter collects text with HTML's white-space rules: runs of white space in the source are one
// space, and line breaks come only from elements.
type textWriter struct {
	b         strings.Builder
	breaks    int  // line breaks owed before the next text
	spaceOwed bool // a space owed before the next text on the same line
}

func (t *textWriter) text(s string) {
	s = html.UnescapeString(s)
	if s == "" {
		return
	}
	if isHTMLSpace(rune(s[0])) {
		t.spaceOwed = true
	}
	for i, f := range strings.FieldsFunc(s, isHTMLSpace) {
		if i > 0 {
			t.spaceOwed = true
		}
		t.write(f)
	}
	if isHTMLSpace(rune(s[len(s)-1])) {
		t.spaceOwed = true
	}
}

// write appends a word (already decoded), after the line breaks or the space it is owed.
func (t *textWriter) write(word string) {
	switch {
	case t.breaks > 0:
		if t.b.Len() > 0 {
			t.b.WriteString(strings.Repeat("\n", t.breaks))
		}
		t.breaks = 0
	case t.spaceOwed && t.b.Len() > 0:
		t.b.WriteByte(' ')
	}
	t.spaceOwed = false
	t.b.WriteString(word)
}

// isHTMLSpace is HTML's ASCII white space; U+00A0 (&nbsp;) is text, not a separator.
func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f'
}

func (t *textWriter) space() { t.spaceOwed = true }

func (t *textWriter) lineBreak(n int) {
	if n > t.breaks {
		t.breaks = n
	}
}

// mark is where the next text will start, for a link to find its own text.
func (t *textWriter) mark() int { return t.b.Len() }

// link appends " <href>" after a link's text, unless the text already is the address.
func (t *textWriter) link(l openLink) {
	if l.href == "" || strings.HasPrefix(strings.ToLower(l.href), "javascript:") {
		return
	}
	text := ""
	if l.start <= t.b.Len() {
		text = strings.TrimSpace(t.b.String()[l.start:])
	}
	if text == l.href || "mailto:"+text == l.href || "tel:"+text == l.href {
		return
	}
	if text != "" {
		t.spaceOwed = true
	}
	t.write("<" + l.href + ">")
}

// String returns the text, each line without trailing spaces.
func (t *textWriter) String() string {
	lines := strings.Split(t.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
