package templates

import (
	"bytes"
	"html"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/unicode/bidi"

	"cognito-custom-message/messages"
)

// Rules about what a message says rather than whether Cognito takes it: each guards a finding of
// a native review (issue 12) or the sign-up relay (issue 10) so it cannot come back unnoticed.

type addFunc = func(sev Severity, file string, line, col int, rule, format string, args ...any)

// lintUnprovenName: a source whose recipient has not proven the address (messages.MayGreet)
// must not use the display name anywhere — not even behind {{if .Name}}, since a name test is one
// handler change away from printing an attacker's text to a stranger.
func lintUnprovenName(c *Catalog, loc, src string, add addFunc) {
	if messages.MayGreet(src) {
		return
	}
	s, err := c.load(loc, src)
	if err != nil {
		return
	}
	for _, t := range s.trees() {
		walkNodes(t.Root, func(n parse.Node) {
			if usesField(n, "Name") {
				file, line, col := nodePosition(c, t, n)
				add(Error, file, line, col, LintUnprovenName,
					"%s's recipient has not proven the address: no .Name (or any user attribute) in its messages; greet neutrally", src)
			}
		})
	}
}

// lintRTLStart: phones lay out an SMS (and mail clients a subject) in the direction of its first
// strong character. A right-to-left message that starts with a Latin value — the product name, a
// username, a temporary password — is laid out left to right and its parts land on the wrong sides.
// The message is measured with Latin values; a numeric code has no direction and may come first.
func lintRTLStart(c *Catalog, loc, src string, fileOf func(messages.Part) string, add addFunc) {
	if Direction(language.Make(loc)) != "rtl" {
		return
	}
	d := messages.Data{Code: "{####}", Name: "Lena", AppName: "Example"}
	if src == "AdminCreateUser" {
		d.Username = "{username}"
	}
	m, err := c.Render(loc, src, d)
	if err != nil {
		return
	}
	for part, text := range map[messages.Part]string{messages.PartSubject: m.Subject, messages.PartSMS: realSMS(src, m.SMS)} {
		if r, ok := firstStrong(text); ok && !isRTLClass(r) {
			add(Error, fileOf(part), 1, 0, LintRTLStart,
				"starts with a left-to-right value (%q with sample values): it is then laid out left to right; start with %s text", prefix(text, 24), loc)
		}
	}
}

// firstStrong returns the first character with a strong direction (bidi classes L, R, AL).
func firstStrong(s string) (rune, bool) {
	for _, r := range s {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L, bidi.R, bidi.AL:
			return r, true
		}
	}
	return 0, false
}

func isRTLClass(r rune) bool {
	p, _ := bidi.LookupRune(r)
	return p.Class() == bidi.R || p.Class() == bidi.AL
}

func prefix(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// lintBidiIsolate: in a right-to-left email a Latin name or product name that ends in punctuation
// ("John Smith Jr.", "Disney+") shows the punctuation on the wrong side unless it is isolated.
// <bdi> does that without the bidi control characters Cognito rejects. Every printed .Name and
// .AppName in the body, the footer and the layout of a right-to-left locale must sit inside a <bdi>
// element — except inside a tag (an attribute value) or <title>, where markup is not rendered.
func lintBidiIsolate(c *Catalog, loc, src string, add addFunc) {
	if Direction(language.Make(loc)) != "rtl" {
		return
	}
	s, err := c.load(loc, src)
	if err != nil {
		return
	}
	for _, t := range s.email.Templates() {
		if t.Tree == nil {
			continue
		}
		var st htmlState
		walkHTML(t.Tree.Root, &st, func(n *parse.ActionNode, st htmlState) {
			if st.tag || st.title || st.bdi > 0 {
				return
			}
			field := printedField(n)
			if field != "Name" && field != "AppName" {
				return
			}
			file, line, col := nodePosition(c, t.Tree, n)
			add(Error, file, line, col, LintBidiIsolate,
				"{{.%s}} in a right-to-left email outside <bdi>: a Latin value ending in punctuation is shown the wrong way round; write <bdi>{{.%s}}</bdi>", field, field)
		})
	}
}

// printedField is the field an action prints: {{.Field}}. Rendering has already run html/template's
// escaper over the trees, which appends its escaping functions to the pipeline, so only the first
// command is the template author's.
func printedField(n *parse.ActionNode) string {
	if n.Pipe == nil || len(n.Pipe.Decl) > 0 || len(n.Pipe.Cmds) == 0 || len(n.Pipe.Cmds[0].Args) != 1 {
		return ""
	}
	if f, ok := n.Pipe.Cmds[0].Args[0].(*parse.FieldNode); ok && len(f.Ident) == 1 {
		return f.Ident[0]
	}
	return ""
}

// htmlState is what the bidi rule needs to know about the markup around an action.
type htmlState struct {
	bdi   int  // open <bdi> elements
	title bool // inside <title>, where markup is text
	tag   bool // inside a tag, i.e. an attribute
}

// feed advances the state over literal template text. It is a scanner, not a parser: enough for
// the hand-written markup of a layout, not for arbitrary HTML (a ">" inside a quoted attribute
// would end the tag early).
func (s *htmlState) feed(text string) {
	lower := strings.ToLower(text)
	for i := 0; i < len(lower); i++ {
		if s.tag {
			if lower[i] == '>' {
				s.tag = false
			}
			continue
		}
		if lower[i] != '<' {
			continue
		}
		s.tag = true
		rest := lower[i:]
		switch {
		case elementStart(rest, "<bdi"):
			s.bdi++
		case elementStart(rest, "</bdi"):
			if s.bdi > 0 {
				s.bdi--
			}
		case elementStart(rest, "<title"):
			s.title = true
		case elementStart(rest, "</title"):
			s.title = false
		}
	}
}

// elementStart reports whether s starts with the tag opener open ("<bdi") as a whole name.
func elementStart(s, open string) bool {
	if !strings.HasPrefix(s, open) {
		return false
	}
	if len(s) == len(open) {
		return true
	}
	next := s[len(open)]
	return next == '>' || next == '/' || next == ' ' || next == '\t' || next == '\n' || next == '\r'
}

// walkHTML visits a tree's actions in document order with the markup state before each. Both
// branches of an {{if}} start from the state before it; the first branch's end state carries on,
// which is right for the balanced markup templates use.
func walkHTML(l *parse.ListNode, st *htmlState, visit func(*parse.ActionNode, htmlState)) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			st.feed(string(n.Text))
		case *parse.ActionNode:
			visit(n, *st)
		case *parse.IfNode:
			walkBranches(&n.BranchNode, st, visit)
		case *parse.WithNode:
			walkBranches(&n.BranchNode, st, visit)
		case *parse.RangeNode:
			walkBranches(&n.BranchNode, st, visit)
		case *parse.ListNode:
			walkHTML(n, st, visit)
		}
	}
}

func walkBranches(b *parse.BranchNode, st *htmlState, visit func(*parse.ActionNode, htmlState)) {
	before := *st
	walkHTML(b.List, st, visit)
	other := before
	walkHTML(b.ElseList, &other, visit)
}

// lintGreetingCase: German continues in lower case after a salutation that ends in a comma
// ("Hallo Lena," → "wir haben …", not "Wir haben …"); nouns and the formal pronouns (Sie, Ihr…)
// keep their capital. A word list cannot tell every noun, so the rule only flags what is certainly
// not one: a capitalised word from germanLowerAfterGreeting (articles, pronouns, prepositions,
// adverbs, conjunctions, "willkommen"), or a capitalised word followed by "Sie" — the formal
// imperative or question ("Geben Sie …", "Melden Sie sich …"), whose first word is a verb. A
// sentence that starts with a noun ("Passwörter …") is left alone: no false positive on nouns.
func lintGreetingCase(c *Catalog, loc, src string, add addFunc) {
	if base, _ := language.Make(loc).Base(); base.String() != "de" {
		return
	}
	s, err := c.load(loc, src)
	if err != nil {
		return
	}
	file := path.Join(loc, FileName(src, messages.PartEmail))
	for _, name := range []string{"Lena", ""} { // both sides of {{if .Name}}
		var buf bytes.Buffer
		v := s.view(loc, messages.Data{Code: "{####}", Username: "{username}", Link: "{##Click Here##}", Name: name, AppName: "Example"})
		if err := s.email.ExecuteTemplate(&buf, file, &v); err != nil {
			return
		}
		lines := textLines(buf.String())
		if len(lines) < 2 || !strings.HasSuffix(lines[0], ",") {
			continue
		}
		words := strings.FieldsFunc(lines[1], func(r rune) bool { return !unicode.IsLetter(r) })
		if len(words) == 0 {
			continue
		}
		first := []rune(words[0])
		if !unicode.IsUpper(first[0]) {
			continue
		}
		verbFirst := len(words) > 1 && words[1] == "Sie" && words[0] != "Sie"
		if !germanLowerAfterGreeting[strings.ToLower(words[0])] && !verbFirst {
			continue
		}
		text, _ := c.read(loc, FileName(src, messages.PartEmail))
		line, col := wordPosition(text, words[0])
		lowered := string(unicode.ToLower(first[0])) + string(first[1:])
		add(Error, file, line, col, LintGreetingCase,
			"%q after the greeting %q: German continues in lower case after a comma (%q); only nouns and Sie/Ihr keep the capital", words[0], lines[0], lowered)
		return
	}
}

// germanLowerAfterGreeting are words that are never nouns, so after "Hallo …," they are written
// in lower case. Formal pronouns (Sie, Ihr, Ihnen…) are deliberately absent.
var germanLowerAfterGreeting = wordSet(
	// articles, demonstratives, pronouns
	"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
	"kein", "keine", "dies", "diese", "dieser", "dieses", "diesen", "wir", "ich", "es", "man", "uns",
	// prepositions
	"für", "mit", "bei", "beim", "zu", "zum", "zur", "von", "vom", "in", "im", "an", "am", "auf",
	"aus", "um", "nach", "vor", "über", "unter", "durch", "ohne", "gegen", "seit", "wegen",
	// adverbs, particles, interjections
	"hier", "da", "dort", "jetzt", "nun", "soeben", "gerade", "eben", "bitte", "leider", "vielen",
	"herzlich", "herzlichen", "willkommen", "danke", "gern", "gerne", "schön", "kurz", "wie", "was",
	"wann", "warum", "so", "auch", "noch", "nur", "schon", "bald", "heute", "damit", "dazu", "dafür",
	"deshalb", "darum", "sobald",
	// conjunctions
	"und", "oder", "aber", "sondern", "denn", "falls", "wenn", "weil", "als", "ob", "dass", "bevor", "nachdem",
)

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var (
	blockBreak = regexp.MustCompile(`(?i)<(?:/?p|br|/?div|/?h[1-6]|/?li|/?tr|/?td)\b[^>]*>`)
	anyTag     = regexp.MustCompile(`<[^>]*>`)
)

// textLines is rendered HTML as the lines a reader sees: one per paragraph, break or cell.
func textLines(h string) []string {
	h = blockBreak.ReplaceAllString(h, "\n")
	h = html.UnescapeString(anyTag.ReplaceAllString(h, ""))
	var out []string
	for _, l := range strings.Split(h, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// wordPosition finds word as a whole word in src after the first line (the greeting), 1-based.
func wordPosition(src, word string) (line, col int) {
	start := strings.IndexByte(src, '\n') + 1
	for i := start; i < len(src); {
		j := strings.Index(src[i:], word)
		if j < 0 {
			break
		}
		at := i + j
		end := at + len(word)
		before, after := ' ', ' '
		if at > 0 {
			before = []rune(src[:at])[len([]rune(src[:at]))-1]
		}
		if end < len(src) {
			after = []rune(src[end:])[0]
		}
		if !unicode.IsLetter(before) && !unicode.IsLetter(after) {
			line = strings.Count(src[:at], "\n") + 1
			col = len([]rune(src[strings.LastIndexByte(src[:at], '\n')+1:at])) + 1
			return line, col
		}
		i = end
	}
	return 0, 0
}

// walkNodes calls visit for every node of a tree.
func walkNodes(n parse.Node, visit func(parse.Node)) {
	if n == nil {
		return
	}
	visit(n)
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			walkNodes(c, visit)
		}
	case *parse.ActionNode:
		walkNodes(n.Pipe, visit)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.TemplateNode:
		walkNodes(n.Pipe, visit)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			walkNodes(c, visit)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkNodes(a, visit)
		}
	case *parse.ChainNode:
		walkNodes(n.Node, visit)
	}
}

func walkBranch(b *parse.BranchNode, visit func(parse.Node)) {
	walkNodes(b.Pipe, visit)
	if b.List != nil {
		walkNodes(b.List, visit)
	}
	if b.ElseList != nil {
		walkNodes(b.ElseList, visit)
	}
}

// usesField reports whether n reads the data's field: .Field, $.Field or a chain through it.
func usesField(n parse.Node, field string) bool {
	switch n := n.(type) {
	case *parse.FieldNode:
		return n.Ident[0] == field
	case *parse.VariableNode:
		return len(n.Ident) > 1 && n.Ident[0] == "$" && n.Ident[1] == field
	}
	return false
}

// nodePosition is where n is in its file: the file (the tree's parse name, a path in the template
// tree), the line and the 1-based column in characters, as the character rule counts them.
func nodePosition(c *Catalog, t *parse.Tree, n parse.Node) (file string, line, col int) {
	loc, _ := t.ErrorContext(n) // "file:line:byte", the byte offset 0-based within the line
	parts := strings.Split(loc, ":")
	if len(parts) < 3 {
		return t.ParseName, 0, 0
	}
	file = strings.Join(parts[:len(parts)-2], ":")
	line, _ = strconv.Atoi(parts[len(parts)-2])
	offset, _ := strconv.Atoi(parts[len(parts)-1])
	src, err := fs.ReadFile(c.fsys, file)
	if lines := strings.Split(string(src), "\n"); err != nil || line < 1 || line > len(lines) || offset > len(lines[line-1]) {
		return file, line, 0
	} else {
		return file, line, utf8.RuneCountInString(lines[line-1][:offset]) + 1
	}
}
