package atomail

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/template/parse"

	"cognito-custom-message/internal/atoprog"
)

// Compile parses every locale of t as Render does, lets html/template escape the HTML (it inserts
// its escapers into the parse trees on the first execution) and compiles the escaped trees into
// atoprog programs, which the sender runs without text/template. It refuses any node, function,
// field or escaper atoprog does not implement, so a template change that needs more fails
// `make generate`, never a send.
func Compile(t Tree) (atoprog.Tree, error) {
	out := atoprog.Tree{Brand: t.Brand, Locales: map[string]atoprog.Locale{}}
	for locale, loc := range t.Locales {
		p := &parsed{}
		if err := p.parse(t.Layout, locale, loc); err != nil {
			return atoprog.Tree{}, err
		}
		// Any data escapes the whole tree, every branch: html/template escapes before it executes.
		v := view{Data: Data{AppName: "x", When: "x", DenyLink: "https://x.example/"}, Lang: loc.Lang, Dir: loc.Dir, Align: "left", Brand: t.Brand}
		if err := p.email.Execute(io.Discard, &v); err != nil {
			return atoprog.Tree{}, fmt.Errorf("atomail: %s: %w", locale, err)
		}
		l := atoprog.Locale{Lang: loc.Lang, Dir: loc.Dir, TextPresent: loc.TextPresent}
		var err error
		htmlTree := func(name string) *parse.Tree {
			if x := p.email.Lookup(name); x != nil {
				return x.Tree
			}
			return nil
		}
		if l.HTML, err = compileProgram("layout.html", htmlTree); err != nil {
			return atoprog.Tree{}, fmt.Errorf("atomail: %s: %w", locale, err)
		}
		textTree := func(tt interface{ Name() string }, lookup func(string) *parse.Tree) (atoprog.Program, error) {
			return compileProgram(tt.Name(), lookup)
		}
		if l.Subject, err = textTree(p.subject, func(n string) *parse.Tree {
			if x := p.subject.Lookup(n); x != nil {
				return x.Tree
			}
			return nil
		}); err != nil {
			return atoprog.Tree{}, fmt.Errorf("atomail: %s: %w", locale, err)
		}
		if p.text != nil {
			if l.Text, err = textTree(p.text, func(n string) *parse.Tree {
				if x := p.text.Lookup(n); x != nil {
					return x.Tree
				}
				return nil
			}); err != nil {
				return atoprog.Tree{}, fmt.Errorf("atomail: %s: %w", locale, err)
			}
		}
		out.Locales[locale] = l
	}
	share(&out)
	return out, nil
}

// share moves the HTML templates that compiled alike in every locale to t.Shared.
func share(t *atoprog.Tree) {
	var first *atoprog.Locale
	for _, l := range t.Locales {
		first = &l
		break
	}
	if first == nil {
		return
	}
	for name, nodes := range first.HTML.Templates {
		same := true
		for _, l := range t.Locales {
			if other, ok := l.HTML.Templates[name]; !ok || !reflect.DeepEqual(other, nodes) {
				same = false
				break
			}
		}
		if !same {
			continue
		}
		if t.Shared == nil {
			t.Shared = map[string][]atoprog.Node{}
		}
		t.Shared[name] = nodes
		for _, l := range t.Locales {
			delete(l.HTML.Templates, name)
		}
	}
}

// compiler turns the parse trees reachable from one root into a Program.
type compiler struct {
	lookup func(string) *parse.Tree
	prog   atoprog.Program
	dots   map[string]atoprog.Type // the type of dot each template was compiled for
}

func compileProgram(root string, lookup func(string) *parse.Tree) (atoprog.Program, error) {
	c := &compiler{lookup: lookup, prog: atoprog.Program{Root: root, Templates: map[string][]atoprog.Node{}}, dots: map[string]atoprog.Type{}}
	if err := c.template(root, atoprog.TypeView); err != nil {
		return atoprog.Program{}, err
	}
	return c.prog, nil
}

func (c *compiler) template(name string, dot atoprog.Type) error {
	if t, ok := c.dots[name]; ok {
		if t != dot {
			return fmt.Errorf("template %q is called with two types of dot (%d, %d): atoprog compiles one", name, t, dot)
		}
		return nil
	}
	c.dots[name] = dot
	tree := c.lookup(name)
	if tree == nil || tree.Root == nil {
		return fmt.Errorf("no template %q (a copy html/template derived for another context is not supported)", name)
	}
	nodes, err := c.list(name, tree.Root, dot)
	if err != nil {
		return err
	}
	c.prog.Templates[name] = nodes
	return nil
}

func (c *compiler) list(tmpl string, l *parse.ListNode, dot atoprog.Type) ([]atoprog.Node, error) {
	if l == nil {
		return nil, nil
	}
	var out []atoprog.Node
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			out = append(out, atoprog.Node{Op: atoprog.OpText, Text: string(n.Text)})
		case *parse.ActionNode:
			if len(n.Pipe.Decl) != 0 || len(n.Pipe.Cmds) == 0 {
				return nil, unsupported(tmpl, n)
			}
			e, typ, err := c.cmd(tmpl, n.Pipe.Cmds[0], dot)
			if err != nil {
				return nil, err
			}
			if typ != atoprog.TypeString && typ != atoprog.TypeInt && typ != atoprog.TypeBool {
				return nil, fmt.Errorf("%s: %s prints a struct", tmpl, n)
			}
			node := atoprog.Node{Op: atoprog.OpPrint, Expr: e}
			for _, cmd := range n.Pipe.Cmds[1:] {
				id, ok := cmd.Args[0].(*parse.IdentifierNode)
				if !ok || len(cmd.Args) != 1 {
					return nil, unsupported(tmpl, n)
				}
				esc, ok := atoprog.Escapers[id.Ident]
				if !ok {
					return nil, fmt.Errorf("%s: %s: function %s is not implemented by atoprog", tmpl, n, id.Ident)
				}
				node.Esc = append(node.Esc, esc)
			}
			out = append(out, node)
		case *parse.IfNode:
			node, err := c.branch(tmpl, atoprog.OpIf, &n.BranchNode, dot)
			if err != nil {
				return nil, err
			}
			out = append(out, node)
		case *parse.WithNode:
			node, err := c.branch(tmpl, atoprog.OpWith, &n.BranchNode, dot)
			if err != nil {
				return nil, err
			}
			out = append(out, node)
		case *parse.TemplateNode:
			if n.Pipe == nil {
				return nil, fmt.Errorf("%s: %s: a template call without a dot is not supported", tmpl, n)
			}
			e, typ, err := c.pipe(tmpl, n.Pipe, dot)
			if err != nil {
				return nil, err
			}
			if err := c.template(n.Name, typ); err != nil {
				return nil, err
			}
			out = append(out, atoprog.Node{Op: atoprog.OpCall, Name: n.Name, Expr: e})
		default:
			return nil, unsupported(tmpl, n)
		}
	}
	return out, nil
}

func (c *compiler) branch(tmpl string, op atoprog.Op, n *parse.BranchNode, dot atoprog.Type) (atoprog.Node, error) {
	e, typ, err := c.pipe(tmpl, n.Pipe, dot)
	if err != nil {
		return atoprog.Node{}, err
	}
	inner := dot
	if op == atoprog.OpWith {
		inner = typ
	}
	node := atoprog.Node{Op: op, Expr: e}
	if node.Then, err = c.list(tmpl, n.List, inner); err != nil {
		return atoprog.Node{}, err
	}
	if node.Else, err = c.list(tmpl, n.ElseList, dot); err != nil {
		return atoprog.Node{}, err
	}
	return node, nil
}

func (c *compiler) pipe(tmpl string, p *parse.PipeNode, dot atoprog.Type) (atoprog.Expr, atoprog.Type, error) {
	if len(p.Decl) != 0 || len(p.Cmds) != 1 {
		return atoprog.Expr{}, 0, unsupported(tmpl, p)
	}
	return c.cmd(tmpl, p.Cmds[0], dot)
}

func (c *compiler) cmd(tmpl string, cmd *parse.CommandNode, dot atoprog.Type) (atoprog.Expr, atoprog.Type, error) {
	if len(cmd.Args) == 1 {
		return c.arg(tmpl, cmd.Args[0], dot)
	}
	args := func(want atoprog.Type, n int) ([]atoprog.Expr, atoprog.Type, error) {
		if n >= 0 && len(cmd.Args)-1 != n {
			return nil, 0, unsupported(tmpl, cmd)
		}
		var out []atoprog.Expr
		var first atoprog.Type
		for i, a := range cmd.Args[1:] {
			e, typ, err := c.arg(tmpl, a, dot)
			if err != nil {
				return nil, 0, err
			}
			if i == 0 {
				first = typ
			}
			if (want != 255 && typ != want) || typ != first {
				return nil, 0, fmt.Errorf("%s: %s: arguments of another type than atoprog implements", tmpl, cmd)
			}
			out = append(out, e)
		}
		return out, first, nil
	}
	switch f := cmd.Args[0].(type) {
	case *parse.IdentifierNode:
		switch f.Ident {
		case "eq", "ne":
			a, _, err := args(atoprog.TypeString, 2)
			op := atoprog.ExprEq
			if f.Ident == "ne" {
				op = atoprog.ExprNe
			}
			return atoprog.Expr{Op: op, Args: a}, atoprog.TypeBool, err
		case "and":
			a, typ, err := args(255, -1)
			return atoprog.Expr{Op: atoprog.ExprAnd, Args: a}, typ, err
		}
	case *parse.FieldNode:
		if len(f.Ident) == 1 && f.Ident[0] == "Anchor" && dot == atoprog.TypeView {
			a, _, err := args(atoprog.TypeString, 2)
			return atoprog.Expr{Op: atoprog.ExprAnchor, Args: a}, atoprog.TypeLink, err
		}
	}
	return atoprog.Expr{}, 0, unsupported(tmpl, cmd)
}

func (c *compiler) arg(tmpl string, n parse.Node, dot atoprog.Type) (atoprog.Expr, atoprog.Type, error) {
	switch n := n.(type) {
	case *parse.DotNode:
		return atoprog.Expr{Op: atoprog.ExprField}, dot, nil
	case *parse.FieldNode:
		path := strings.Join(n.Ident, ".")
		typ, ok := atoprog.Fields[dot][path]
		if !ok {
			return atoprog.Expr{}, 0, fmt.Errorf("%s: field .%s is not implemented by atoprog on this dot", tmpl, path)
		}
		return atoprog.Expr{Op: atoprog.ExprField, Field: path}, typ, nil
	case *parse.StringNode:
		return atoprog.Expr{Op: atoprog.ExprString, Str: n.Text}, atoprog.TypeString, nil
	case *parse.PipeNode:
		return c.pipe(tmpl, n, dot)
	}
	return atoprog.Expr{}, 0, unsupported(tmpl, n)
}

func unsupported(tmpl string, n parse.Node) error {
	return fmt.Errorf("%s: %s is not implemented by atoprog", tmpl, n)
}
