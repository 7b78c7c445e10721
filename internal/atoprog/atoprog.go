// Package atoprog renders the account-takeover mail from programs compiled at build time.
//
// internal/atomail parses the templates with html/template, lets it insert its contextual escapers
// once, and compiles the escaped parse trees into the small Program below (internal/atomail.Compile,
// run by `make generate`). The sender only walks those programs: linking text/template or
// html/template would keep every exported method of every reachable type in the binary (they look
// methods up by name at run time), which cost the sender about 10 MB. Whatever the compiler meets
// that this interpreter does not implement fails the build, never a send.
package atoprog

import (
	"fmt"
	"strconv"
	"strings"

	"cognito-custom-message/internal/htmltext"
	"cognito-custom-message/messages"
)

// Source is the trigger source name, without "CustomEmailSender_", and the files' prefix.
const Source = "AccountTakeOverNotification"

// Actions, as the templates test them (.Action). Anything else gets the neutral wording.
const (
	ActionBlocked    = "blocked"
	ActionChallenged = "challenged"
	ActionNeutral    = "" // what the sender passes for NO_ACTION and unknown actions
)

// Brand is what the layout and footer see as .Brand (templates.BrandView's fields).
type Brand struct {
	Logo                  string
	LogoWidth, LogoHeight int
	Accent                string
	SupportURL            string
	SupportEmail          string
}

// HasSupport reports whether the brand shows a support line.
func (b Brand) HasSupport() bool { return b.SupportURL != "" || b.SupportEmail != "" }

// Data is the data contract of the ATO templates. Every value is already vetted by the caller
// (delivery): the compiled escapers escape it, but do not decide whether it may be shown.
type Data struct {
	AppName string
	Action  string // ActionBlocked, ActionChallenged or anything else (neutral)
	// Details of the sign-in; each may be empty.
	When, Place, IP, Device string
	// DenyLink and ConfirmLink are Cognito's one-click links (absolute https); each may be empty.
	DenyLink, ConfirmLink string
}

// HasDetails reports whether any detail is shown.
func (d Data) HasDetails() bool { return d.When != "" || d.Place != "" || d.IP != "" || d.Device != "" }

// Link is what {{template "link" (.Anchor url label)}} renders.
type Link struct{ URL, Label string }

// Anchor pairs a link's URL with its translated label.
func (d Data) Anchor(url, label string) Link { return Link{URL: url, Label: label} }

// Message is one rendered mail.
type Message struct {
	Subject, HTML, Text string
}

// Op is what a Node does.
type Op uint8

// The nodes of a program: the parse nodes of text/template this interpreter implements.
const (
	OpText  Op = iota // write Text
	OpPrint           // write Expr's value through Esc, in order
	OpIf              // Then if Expr is true, else Else
	OpWith            // Then with Expr as dot if it is true, else Else
	OpCall            // run template Name with Expr as dot
)

// Node is one step of a program.
type Node struct {
	Op         Op
	Text       string
	Expr       Expr
	Esc        []Escaper
	Then, Else []Node
	Name       string
}

// ExprOp is what an Expr computes.
type ExprOp uint8

// The expressions the templates use.
const (
	ExprField  ExprOp = iota // Field of dot ("" is dot itself, "Brand.Logo" a path)
	ExprString               // the literal Str
	ExprEq                   // eq Args[0] Args[1], on strings
	ExprNe                   // ne Args[0] Args[1], on strings
	ExprAnd                  // and Args...: the first false one, or the last
	ExprAnchor               // .Anchor Args[0] Args[1]
)

// Expr is a pipeline without escapers.
type Expr struct {
	Op    ExprOp
	Field string
	Str   string
	Args  []Expr
}

// Program is one compiled template set: Root and every template it calls, by name.
type Program struct {
	Root      string
	Templates map[string][]Node
}

// Locale is one locale's compiled mail.
type Locale struct {
	Lang, Dir   string
	Subject     Program
	HTML        Program
	Text        Program // only when TextPresent; else the text is made from the HTML
	TextPresent bool
}

// Tree is one brand's (or the shipped tree's) compiled mail, by locale.
type Tree struct {
	Brand   Brand
	Locales map[string]Locale
	// Shared are the templates every locale's HTML compiles to alike (the layout, its defines):
	// kept once, not once per locale. A locale's own Templates come first.
	Shared map[string][]Node
}

// Renderer renders a Tree. Safe for concurrent use: it never writes.
type Renderer struct{ tree Tree }

// NewRenderer renders t.
func NewRenderer(t Tree) *Renderer { return &Renderer{tree: t} }

// Has reports whether locale has the ATO files.
func (r *Renderer) Has(locale string) bool { _, ok := r.tree.Locales[locale]; return ok }

// Render renders locale's mail with d.
func (r *Renderer) Render(locale string, d Data) (Message, error) {
	loc, ok := r.tree.Locales[locale]
	if !ok {
		return Message{}, fmt.Errorf("atoprog: locale %q has no %s files", locale, Source)
	}
	v := &view{Data: d, Lang: loc.Lang, Dir: loc.Dir, Align: "left", Brand: r.tree.Brand, shared: r.tree.Shared}
	if loc.Dir == "rtl" {
		v.Align = "right"
	}
	var m Message
	s, err := v.run(loc.Subject)
	if err != nil {
		return Message{}, err
	}
	m.Subject = strings.TrimSpace(s)
	if m.HTML, err = v.run(loc.HTML); err != nil {
		return Message{}, err
	}
	if loc.TextPresent {
		if s, err = v.run(loc.Text); err != nil {
			return Message{}, err
		}
		m.Text = messages.TidyText(s)
	} else {
		// The build's own conversion: it decodes what the escapers escaped, so the text shows the
		// values as vetted, and drops the bidi isolation <bdi> gives the HTML.
		m.Text = htmltext.Convert(m.HTML)
	}
	return m, nil
}

// view is Data plus what the layout needs about the locale and the brand.
type view struct {
	Data
	Lang, Dir, Align string
	Brand            Brand
	shared           map[string][]Node
}

type kind uint8

const (
	kView kind = iota
	kString
	kInt
	kBool
	kLink
)

// value is what dot or an expression can be: the view, or one of its fields' types.
type value struct {
	kind kind
	s    string
	n    int
	b    bool
	link Link
}

func str(s string) value { return value{kind: kString, s: s} }

func (v value) truth() bool {
	switch v.kind {
	case kString:
		return v.s != ""
	case kInt:
		return v.n != 0
	case kBool:
		return v.b
	}
	return true // structs, as text/template: always true
}

func (v *view) run(p Program) (string, error) {
	var b strings.Builder
	if err := v.exec(&b, p, p.Root, value{kind: kView}, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

// maxDepth bounds template calls, as text/template's own limit does, should a program recurse.
const maxDepth = 100

func (v *view) exec(b *strings.Builder, p Program, name string, dot value, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("atoprog: template %q: calls nested too deep", name)
	}
	nodes, ok := p.Templates[name]
	if !ok {
		nodes, ok = v.shared[name]
	}
	if !ok {
		return fmt.Errorf("atoprog: no template %q", name)
	}
	return v.list(b, p, nodes, dot, depth)
}

func (v *view) list(b *strings.Builder, p Program, nodes []Node, dot value, depth int) error {
	for i := range nodes {
		n := &nodes[i]
		switch n.Op {
		case OpText:
			b.WriteString(n.Text)
		case OpPrint:
			x, err := v.eval(n.Expr, dot)
			if err != nil {
				return err
			}
			s, err := printed(x)
			if err != nil {
				return err
			}
			for _, e := range n.Esc {
				if s, err = e.apply(s); err != nil {
					return err
				}
			}
			b.WriteString(s)
		case OpIf, OpWith:
			x, err := v.eval(n.Expr, dot)
			if err != nil {
				return err
			}
			branch, d := n.Else, dot
			if x.truth() {
				branch = n.Then
				if n.Op == OpWith {
					d = x
				}
			}
			if err := v.list(b, p, branch, d, depth); err != nil {
				return err
			}
		case OpCall:
			x, err := v.eval(n.Expr, dot)
			if err != nil {
				return err
			}
			if err := v.exec(b, p, n.Name, x, depth+1); err != nil {
				return err
			}
		default:
			return fmt.Errorf("atoprog: unknown node op %d", n.Op)
		}
	}
	return nil
}

// printed is how text/template prints a value: strings as they are, numbers in decimal.
func printed(x value) (string, error) {
	switch x.kind {
	case kString:
		return x.s, nil
	case kInt:
		return strconv.Itoa(x.n), nil
	case kBool:
		return strconv.FormatBool(x.b), nil
	}
	return "", fmt.Errorf("atoprog: cannot print a value of kind %d", x.kind)
}

func (v *view) eval(e Expr, dot value) (value, error) {
	switch e.Op {
	case ExprField:
		return v.field(dot, e.Field)
	case ExprString:
		return str(e.Str), nil
	case ExprEq, ExprNe:
		if len(e.Args) != 2 {
			return value{}, fmt.Errorf("atoprog: eq/ne takes 2 arguments, not %d", len(e.Args))
		}
		a, err := v.eval(e.Args[0], dot)
		if err != nil {
			return value{}, err
		}
		c, err := v.eval(e.Args[1], dot)
		if err != nil {
			return value{}, err
		}
		if a.kind != kString || c.kind != kString {
			return value{}, fmt.Errorf("atoprog: eq/ne on non-strings")
		}
		return value{kind: kBool, b: (a.s == c.s) == (e.Op == ExprEq)}, nil
	case ExprAnd:
		var x value
		for _, a := range e.Args {
			var err error
			if x, err = v.eval(a, dot); err != nil {
				return value{}, err
			}
			if !x.truth() {
				break
			}
		}
		return x, nil
	case ExprAnchor:
		if len(e.Args) != 2 || dot.kind != kView {
			return value{}, fmt.Errorf("atoprog: .Anchor takes 2 arguments, on the mail's data")
		}
		u, err := v.eval(e.Args[0], dot)
		if err != nil {
			return value{}, err
		}
		l, err := v.eval(e.Args[1], dot)
		if err != nil {
			return value{}, err
		}
		if u.kind != kString || l.kind != kString {
			return value{}, fmt.Errorf("atoprog: .Anchor on non-strings")
		}
		return value{kind: kLink, link: v.Anchor(u.s, l.s)}, nil
	}
	return value{}, fmt.Errorf("atoprog: unknown expression op %d", e.Op)
}

// field is the one place a name becomes a value: what reflect would do, for exactly the fields
// Fields lists.
func (v *view) field(dot value, path string) (value, error) {
	if path == "" {
		return dot, nil
	}
	switch dot.kind {
	case kLink:
		switch path {
		case "URL":
			return str(dot.link.URL), nil
		case "Label":
			return str(dot.link.Label), nil
		}
	case kView:
		switch path {
		case "AppName":
			return str(v.AppName), nil
		case "Action":
			return str(v.Action), nil
		case "When":
			return str(v.When), nil
		case "Place":
			return str(v.Place), nil
		case "IP":
			return str(v.IP), nil
		case "Device":
			return str(v.Device), nil
		case "DenyLink":
			return str(v.DenyLink), nil
		case "ConfirmLink":
			return str(v.ConfirmLink), nil
		case "Lang":
			return str(v.Lang), nil
		case "Dir":
			return str(v.Dir), nil
		case "Align":
			return str(v.Align), nil
		case "HasDetails":
			return value{kind: kBool, b: v.HasDetails()}, nil
		case "Brand.Logo":
			return str(v.Brand.Logo), nil
		case "Brand.LogoWidth":
			return value{kind: kInt, n: v.Brand.LogoWidth}, nil
		case "Brand.LogoHeight":
			return value{kind: kInt, n: v.Brand.LogoHeight}, nil
		case "Brand.Accent":
			return str(v.Brand.Accent), nil
		case "Brand.SupportURL":
			return str(v.Brand.SupportURL), nil
		case "Brand.SupportEmail":
			return str(v.Brand.SupportEmail), nil
		case "Brand.HasSupport":
			return value{kind: kBool, b: v.Brand.HasSupport()}, nil
		}
	}
	return value{}, fmt.Errorf("atoprog: no field %q on a value of kind %d", path, dot.kind)
}

// Type is what the compiler knows of a value, to check a program before it is generated.
type Type uint8

// The types a field or dot can have.
const (
	TypeView Type = iota
	TypeString
	TypeInt
	TypeBool
	TypeLink
)

// Fields are the fields and argument-less methods field implements, by the type of dot: the
// compiler refuses any other.
var Fields = map[Type]map[string]Type{
	TypeView: {
		"AppName": TypeString, "Action": TypeString, "When": TypeString, "Place": TypeString,
		"IP": TypeString, "Device": TypeString, "DenyLink": TypeString, "ConfirmLink": TypeString,
		"Lang": TypeString, "Dir": TypeString, "Align": TypeString, "HasDetails": TypeBool,
		"Brand.Logo": TypeString, "Brand.LogoWidth": TypeInt, "Brand.LogoHeight": TypeInt,
		"Brand.Accent": TypeString, "Brand.SupportURL": TypeString, "Brand.SupportEmail": TypeString,
		"Brand.HasSupport": TypeBool,
	},
	TypeLink: {"URL": TypeString, "Label": TypeString},
}
