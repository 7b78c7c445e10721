package templates

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
)

// Compiled is one locale's message set for one trigger source and product name, rendered once with
// stand-ins where the per-user values go. Render then only concatenates: no template execution, no
// reflection, no escaping pass — a handful of allocations instead of a few hundred, on the path
// Cognito's 5-second budget waits on. Compile proves it renders exactly what Catalog.Render would.
type Compiled struct {
	subject, email, sms []segment
}

type slot uint8

const (
	literal slot = iota
	slotCode
	slotUsername
	slotLink
	slotName
)

type segment struct {
	text string // for literal
	slot slot
}

// Variant says which of the optional values a compiled set is for: templates may test a value for
// emptiness ({{if .Name}}), so each combination renders differently.
type Variant struct {
	Name, Link, Username bool
}

// ErrNotCompilable means the templates use a per-user value in a way Compile cannot stand in for
// (in a function call, a comparison, a with/range, or a context html/template escapes differently);
// Catalog.Render still works for them.
var ErrNotCompilable = errors.New("templates: not compilable")

// Compile renders locale's templates for source once, for the given product name and variant.
func (c *Catalog) Compile(locale, source, appName string, v Variant) (*Compiled, error) {
	s, err := c.load(locale, source)
	if err != nil {
		return nil, err
	}
	if !s.simple {
		return nil, fmt.Errorf("%w: %s/%s uses a per-user value beyond printing it", ErrNotCompilable, locale, source)
	}
	d := Data{Code: sentinelCode, AppName: appName}
	if v.Name {
		d.Name = sentinelName
	}
	if v.Link {
		d.Link = sentinelLink
	}
	if v.Username {
		d.Username = sentinelUsername
	}
	vw := s.view(locale, d)
	var cm Compiled
	var buf bytes.Buffer
	for _, part := range []struct {
		t interface {
			Execute(*bytes.Buffer, any) error
		}
		dst *[]segment
	}{
		{textExec{s.subject}, &cm.subject}, {htmlExec{s.email}, &cm.email}, {textExec{s.sms}, &cm.sms},
	} {
		buf.Reset()
		if err := part.t.Execute(&buf, &vw); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		*part.dst = split(buf.String())
	}
	cm.subject = trim(cm.subject)
	cm.sms = trim(cm.sms)

	// Prove the stand-ins: with a probe that needs every escape html/template applies in text and
	// attribute values, the compiled set must equal a real render.
	probe := Data{Code: "{####}", AppName: appName}
	if v.Name {
		probe.Name = `<b class="x">Zoë & 'Al' + Bob</b>`
	}
	if v.Link {
		probe.Link = "{##Click Here##}"
	}
	if v.Username {
		probe.Username = "{username}"
	}
	want, err := c.Render(locale, source, probe)
	if err != nil {
		return nil, err
	}
	if got := cm.Render(probe); got != want {
		return nil, fmt.Errorf("%w: %s/%s renders differently when compiled", ErrNotCompilable, locale, source)
	}
	return &cm, nil
}

type textExec struct{ t *texttemplate.Template }

func (e textExec) Execute(b *bytes.Buffer, d any) error { return e.t.Execute(b, d) }

type htmlExec struct{ t *htmltemplate.Template }

func (e htmlExec) Execute(b *bytes.Buffer, d any) error { return e.t.Execute(b, d) }

var sentinels = []struct {
	text string
	slot slot
}{{sentinelCode, slotCode}, {sentinelUsername, slotUsername}, {sentinelLink, slotLink}, {sentinelName, slotName}}

// split cuts rendered text at the sentinels.
func split(s string) []segment {
	var out []segment
	for s != "" {
		at, which := -1, 0
		for i, sn := range sentinels {
			if j := strings.Index(s, sn.text); j >= 0 && (at < 0 || j < at) {
				at, which = j, i
			}
		}
		if at < 0 {
			out = append(out, segment{text: s})
			break
		}
		if at > 0 {
			out = append(out, segment{text: s[:at]})
		}
		out = append(out, segment{slot: sentinels[which].slot})
		s = s[at+len(sentinels[which].text):]
	}
	return out
}

// trim drops the white space around a part, as Render does for the subject and SMS.
func trim(segs []segment) []segment {
	if len(segs) > 0 && segs[0].slot == literal {
		segs[0].text = strings.TrimLeft(segs[0].text, " \t\r\n")
	}
	if n := len(segs); n > 0 && segs[n-1].slot == literal {
		segs[n-1].text = strings.TrimRight(segs[n-1].text, " \t\r\n")
	}
	return segs
}

// htmlEscaper is html/template's escaping for text and quoted attribute values; Compile's probe
// proves every name slot sits in such a context.
var htmlEscaper = strings.NewReplacer(`"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// Render fills the slots. The placeholders must be valid (ValidPlaceholder); Name must be sanitized.
func (cm *Compiled) Render(d Data) Message {
	return Message{
		Subject: fill(cm.subject, d, false),
		Email:   fill(cm.email, d, true),
		SMS:     fill(cm.sms, d, false),
	}
}

func fill(segs []segment, d Data, html bool) string {
	name := d.Name
	if html && name != "" {
		name = htmlEscaper.Replace(name)
	}
	n := 0
	for _, sg := range segs {
		n += len(sg.text)
	}
	n += 2 * (len(d.Code) + len(d.Username) + len(d.Link) + len(name))
	var b strings.Builder
	b.Grow(n)
	for _, sg := range segs {
		switch sg.slot {
		case literal:
			b.WriteString(sg.text)
		case slotCode:
			b.WriteString(d.Code)
		case slotUsername:
			b.WriteString(d.Username)
		case slotLink:
			b.WriteString(d.Link)
		case slotName:
			b.WriteString(name)
		}
	}
	return b.String()
}

// dynamic are the fields that change from one user to the next; every other field of the view is
// fixed for a compiled set.
var dynamic = map[string]bool{"Code": true, "Username": true, "Link": true, "Name": true}

// simpleUse reports whether every template uses the per-user fields only as {{.Field}} (printed) or
// {{if .Field}} (tested for emptiness), and never prints the whole data ({{.}}, {{printf "%v" .}}).
// Under that rule, rendering with stand-ins and filling them in afterwards equals a real render,
// given the escaping context, which Compile's probe checks.
func simpleUse(trees ...*parse.Tree) bool {
	for _, t := range trees {
		if t != nil && !simpleList(t.Root, false) {
			return false
		}
	}
	return true
}

func simpleList(l *parse.ListNode, dotMoved bool) bool {
	if l == nil {
		return true
	}
	for _, n := range l.Nodes {
		if !simpleNode(n, dotMoved) {
			return false
		}
	}
	return true
}

func simpleNode(n parse.Node, dotMoved bool) bool {
	switch n := n.(type) {
	case *parse.ActionNode:
		return plainField(n.Pipe) || !mentionsDynamic(n.Pipe, dotMoved)
	case *parse.IfNode:
		return (plainField(n.Pipe) || !mentionsDynamic(n.Pipe, dotMoved)) &&
			simpleList(n.List, dotMoved) && simpleList(n.ElseList, dotMoved)
	case *parse.WithNode:
		return !mentionsDynamic(n.Pipe, dotMoved) && simpleList(n.List, true) && simpleList(n.ElseList, dotMoved)
	case *parse.RangeNode:
		return !mentionsDynamic(n.Pipe, dotMoved) && simpleList(n.List, true) && simpleList(n.ElseList, dotMoved)
	case *parse.TemplateNode:
		// {{template "x" .}} hands on the whole data; "x" is walked on its own.
		if n.Pipe == nil || (len(n.Pipe.Cmds) == 1 && len(n.Pipe.Cmds[0].Args) == 1 && isDot(n.Pipe.Cmds[0].Args[0])) {
			return !dotMoved || n.Pipe == nil
		}
		return !mentionsDynamic(n.Pipe, dotMoved)
	case *parse.ListNode:
		return simpleList(n, dotMoved)
	}
	return true // text, comments, break/continue
}

// plainField is a pipeline that is exactly one per-user field: {{.Name}}.
func plainField(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1 && dynamic[f.Ident[0]]
}

func isDot(n parse.Node) bool { _, ok := n.(*parse.DotNode); return ok }

// mentionsDynamic reports whether a pipeline reads a per-user field, or the root data as a whole.
func mentionsDynamic(p *parse.PipeNode, dotMoved bool) bool {
	if p == nil {
		return false
	}
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			if argDynamic(a, dotMoved) {
				return true
			}
		}
	}
	return false
}

func argDynamic(a parse.Node, dotMoved bool) bool {
	switch a := a.(type) {
	case *parse.FieldNode:
		return !dotMoved && dynamic[a.Ident[0]]
	case *parse.VariableNode:
		return a.Ident[0] == "$" && (len(a.Ident) == 1 || dynamic[a.Ident[1]])
	case *parse.DotNode:
		return !dotMoved
	case *parse.ChainNode:
		return argDynamic(a.Node, dotMoved)
	case *parse.PipeNode:
		return mentionsDynamic(a, dotMoved)
	}
	return false
}
