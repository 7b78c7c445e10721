// Package doclinks checks that the relative links and #anchors of Markdown files resolve, the way
// GitHub resolves them, so a page moved or a heading renamed in README.md or docs/ breaks a test
// rather than a reader's click.
package doclinks

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// Problem is one link that does not resolve.
type Problem struct {
	File   string // the Markdown file holding the link, relative to the root
	Target string // the link as written
	Reason string
}

func (p Problem) String() string { return fmt.Sprintf("%s: link %q: %s", p.File, p.Target, p.Reason) }

// Page is what a Markdown file offers and asks for: its heading anchors and its links.
type Page struct {
	Anchors map[string]bool
	Links   []string
}

// md parses GitHub-flavoured Markdown, so links in tables and fenced code (which holds none) are
// read as GitHub reads them.
var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

// Parse reads a Markdown document's heading anchors and link destinations (inline links, images and
// reference definitions; links inside code are not links).
func Parse(src []byte) Page {
	doc := md.Parser().Parse(text.NewReader(src))
	p := Page{Anchors: map[string]bool{}}
	seen := map[string]int{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			s := Slug(plainText(n, src))
			// GitHub numbers repeated slugs: "notes", "notes-1", "notes-2".
			id := s
			if k := seen[s]; k > 0 {
				id = fmt.Sprintf("%s-%d", s, k)
			}
			seen[s]++
			p.Anchors[id] = true
		case *ast.Link:
			p.Links = append(p.Links, string(n.Destination))
		case *ast.Image:
			p.Links = append(p.Links, string(n.Destination))
		}
		return ast.WalkContinue, nil
	})
	// Reference definitions ([x]: target) are kept by the parser in the document's context, not the
	// tree; links that use them were resolved into *ast.Link above, so nothing is missed.
	return p
}

// plainText is a heading's text content as a browser would show it: code spans, emphasis and link
// texts included, markup left out.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(src))
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// Slug is the anchor GitHub gives a heading: lower case, each space a '-', and every character
// other than letters, marks, digits, '-' and '_' dropped (github-slugger's rule; goldmark's own
// auto heading IDs follow a different one, so this is written here).
func Slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Check resolves every relative link of the given Markdown files (paths relative to root): the file
// or folder it names must exist, and an #anchor must be a heading of the Markdown file it points
// into (the same file for a bare #anchor). Links with a scheme (https:, mailto:) are not checked:
// the tests run offline.
func Check(root string, files []string) ([]Problem, error) {
	pages := map[string]Page{}
	load := func(rel string) (Page, error) {
		if p, ok := pages[rel]; ok {
			return p, nil
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return Page{}, err
		}
		p := Parse(src)
		pages[rel] = p
		return p, nil
	}
	var problems []Problem
	for _, f := range files {
		f = filepath.ToSlash(f)
		page, err := load(f)
		if err != nil {
			return nil, fmt.Errorf("doclinks: %w", err)
		}
		for _, link := range page.Links {
			if reason := resolve(root, f, link, load); reason != "" {
				problems = append(problems, Problem{File: f, Target: link, Reason: reason})
			}
		}
	}
	return problems, nil
}

func resolve(root, from, link string, load func(string) (Page, error)) string {
	u, err := url.Parse(link)
	if err != nil {
		return "not a URL: " + err.Error()
	}
	if u.Scheme != "" || u.Host != "" {
		return ""
	}
	target := from
	if u.Path != "" {
		if path.IsAbs(u.Path) {
			return "absolute path: GitHub resolves it against the site, not the repository; write it relative"
		}
		target = path.Clean(path.Join(path.Dir(from), u.Path))
		if target == ".." || strings.HasPrefix(target, "../") {
			return "points outside the repository"
		}
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(target))); err != nil {
			return "no such file or folder: " + target
		}
	}
	if u.Fragment == "" {
		return ""
	}
	if !strings.HasSuffix(target, ".md") {
		return "anchor #" + u.Fragment + " into a file that is not Markdown: " + target
	}
	page, err := load(target)
	if err != nil {
		return err.Error()
	}
	if !page.Anchors[u.Fragment] {
		return fmt.Sprintf("no heading in %s has the anchor #%s (it has: %s)", target, u.Fragment, strings.Join(sorted(page.Anchors), ", "))
	}
	return ""
}

func sorted(set map[string]bool) []string {
	var s []string
	for k := range set {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}
