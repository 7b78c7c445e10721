// Package htmltext turns a rendered HTML email into its plain-text alternative. It is its own
// package so that the custom sender, which renders AccountTakeOverNotification at run time, makes
// its text part with the very conversion the build uses, without linking package templates (whose
// package initialisation alone costs milliseconds of cold start).
package htmltext

import (
	"strings"

	"cognito-custom-message/messages"

	// The HTML email is real HTML (a layout, tables, entities, a translator's markup): a hand-written
	// tag scanner would get entities, attributes with '>' inside quotes and raw-text elements wrong.
	// x/net/html is the Go team's HTML5 tokenizer; its Tokenizer is all the plain-text part needs
	// (no tree). The CustomMessage bootstrap never links it: only the build and the custom sender do.
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blocks are the elements that start and end a line in the plain-text part, by the line breaks
// they make: 2 leaves a blank line (a paragraph), 1 only ends the line.
var blocks = map[atom.Atom]int{
	atom.P: 2, atom.H1: 2, atom.H2: 2, atom.H3: 2, atom.H4: 2, atom.H5: 2, atom.H6: 2,
	atom.Ul: 2, atom.Ol: 2, atom.Table: 2, atom.Tr: 2, atom.Blockquote: 2, atom.Pre: 2, atom.Hr: 2, atom.Dl: 2,
	atom.Div: 1, atom.Li: 1, atom.Td: 1, atom.Th: 1, atom.Dt: 1, atom.Dd: 1, atom.Center: 1,
	atom.Section: 1, atom.Article: 1, atom.Header: 1, atom.Footer: 1, atom.Address: 1,
}

// skipped are the elements whose content is not part of the message's text.
var skipped = map[atom.Atom]bool{atom.Head: true, atom.Style: true, atom.Script: true, atom.Title: true, atom.Template: true}

// invisible are characters an entity can put in the HTML (&lrm;, &shy;, &#8297;) that a plain-text
// part must not carry: bidi controls reorder the code and the name around them, and Cognito refuses
// them (docs: COGNITO.md); a right-to-left text is laid out by the reader's client from its letters.
var invisible = strings.NewReplacer(
	"\u200e", "", "\u200f", "", "\u061c", "", "\u00ad", "", "\u200b", "",
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "",
	// &nbsp; (French spacing before ! ? :) and its narrow kin become plain spaces: they are there
	// to keep the HTML's line breaking, which a text part without hard wrapping does not have.
	"\u00a0", " ", "\u202f", " ", "\u2007", " ",
)

// Convert turns a rendered HTML email into its plain-text alternative: the head, styles and
// scripts dropped, one line per block and a blank line between paragraphs, <br> as a line break,
// list items as "- ", a link as "text (URL)" when the URL is not its text, white space collapsed
// as a browser does and entities decoded. Lines are never wrapped: a wrap could split the code.
func Convert(src string) string {
	var w textWriter
	z := html.NewTokenizer(strings.NewReader(src))
	skip := 0
	type link struct {
		href  string
		start int
	}
	var links []link
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: the source is a string, so nothing else can stop it
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			if skip == 0 {
				w.text(tok.Data)
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			if skipped[tok.DataAtom] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch tok.DataAtom {
			case atom.Br:
				w.lineBreak()
			case atom.Img:
				w.text(attr(tok, "alt"))
			case atom.A:
				w.flush()
				links = append(links, link{attr(tok, "href"), w.b.Len()})
			case atom.Li:
				w.block(1)
				w.raw("- ")
			default:
				w.block(blocks[tok.DataAtom])
			}
		case html.EndTagToken:
			if skipped[tok.DataAtom] {
				skip = max(skip-1, 0)
				continue
			}
			if skip > 0 {
				continue
			}
			switch tok.DataAtom {
			case atom.A:
				if len(links) == 0 {
					continue
				}
				l := links[len(links)-1]
				links = links[:len(links)-1]
				text := strings.TrimSpace(w.b.String()[min(l.start, w.b.Len()):])
				href := strings.TrimSpace(l.href)
				if href != "" && !strings.HasPrefix(href, "#") && href != text && href != "mailto:"+text {
					w.raw(" (" + href + ")")
				}
			default:
				w.block(blocks[tok.DataAtom])
			}
		}
	}
	return messages.TidyText(invisible.Replace(w.b.String()))
}

func attr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textWriter collapses white space and line breaks as they come: a run of spaces is one space, a
// run of block boundaries is the strongest of them, and nothing is written before the first text.
type textWriter struct {
	b       strings.Builder
	breaks  int  // line breaks owed before the next text: 0, 1 or 2
	space   bool // a space is owed before the next text
	started bool
}

func (w *textWriter) text(s string) {
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f': // HTML's white space; U+00A0 is text
			w.space = true
		default:
			w.flush()
			w.b.WriteRune(r)
		}
	}
}

// flush writes the breaks or the space owed.
func (w *textWriter) flush() {
	if w.started {
		switch {
		case w.breaks > 0:
			w.b.WriteString("\n\n"[:w.breaks])
		case w.space:
			if s := w.b.String(); s != "" && s[len(s)-1] != ' ' && s[len(s)-1] != '\n' {
				w.b.WriteByte(' ')
			}
		}
	}
	w.breaks, w.space, w.started = 0, false, true
}

func (w *textWriter) raw(s string) { w.flush(); w.b.WriteString(s) }

// block owes n line breaks; n is 0 for an inline element, which changes nothing.
func (w *textWriter) block(n int) {
	if n > 0 {
		w.breaks, w.space = max(w.breaks, n), false
	}
}

// lineBreak is a <br>: one more line break, up to a blank line (two <br> make a paragraph).
func (w *textWriter) lineBreak() { w.breaks, w.space = min(w.breaks+1, 2), false }
