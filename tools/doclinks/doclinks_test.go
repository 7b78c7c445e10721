package doclinks

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// root is the repository, seen from this package's folder.
const root = "../.."

// docFiles are the Markdown files a reader follows links between: the README, docs/ and the
// recipes' READMEs in examples/.
func docFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"README.md"}
	for _, d := range docs {
		files = append(files, "docs/"+filepath.Base(d))
	}
	// The recipes' READMEs link into docs/ and their own files.
	recipes, err := filepath.Glob(filepath.Join(root, "examples", "*", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recipes {
		rel, err := filepath.Rel(root, r)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// TestRepositoryLinksResolve is the check itself: every relative link and #anchor of README.md and
// docs/*.md names a file or folder that exists and, for an anchor, a heading of that page.
func TestRepositoryLinksResolve(t *testing.T) {
	files := docFiles(t)
	if len(files) < 2 {
		t.Fatalf("found only %v; want README.md and docs/*.md", files)
	}
	problems, err := Check(root, files)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestBrokenFixture shows the check can fail: each broken link of the fixture is reported, with
// its file, and no good one is.
func TestBrokenFixture(t *testing.T) {
	problems, err := Check("testdata/broken", []string{"README.md", "docs/page.md"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.File+" "+p.Target)
	}
	want := []string{
		"README.md docs/gone.md",
		"README.md docs/page.md#no-such-heading",
		"README.md #setup-install",
		"README.md #setup--install-2",
		"README.md /docs/page.md",
		"README.md ../../elsewhere.md",
		"README.md docs/notes.txt#top",
		"docs/page.md ../README.md#nope",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got problems\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for _, p := range problems {
		if p.Reason == "" {
			t.Errorf("%s %s: no reason given", p.File, p.Target)
		}
	}
}

// TestSlug pins GitHub's heading anchors for the shapes our headings take.
func TestSlug(t *testing.T) {
	for _, c := range []struct{ heading, want string }{
		{"Use an existing user pool", "use-an-existing-user-pool"},
		{"`make destroy` keeps a pool that still works", "make-destroy-keeps-a-pool-that-still-works"},
		{"The link text inside {##…##}", "the-link-text-inside-"},
		{"Setup & install", "setup--install"},
		{"Speed, size and robustness", "speed-size-and-robustness"},
		{"Existing-pool mode: the function gets a new ARN", "existing-pool-mode-the-function-gets-a-new-arn"},
		{"snake_case stays", "snake_case-stays"},
		{"Zoë and 山田", "zoë-and-山田"},
		{"Why? (the first deploy)", "why-the-first-deploy"},
	} {
		if got := Slug(c.heading); got != c.want {
			t.Errorf("Slug(%q) = %q; want %q", c.heading, got, c.want)
		}
	}
}

// TestReadmeIsShort keeps the README what issue 19 made it: the two commands first, a page read in
// minutes, and every docs/ page reachable from it.
func TestReadmeIsShort(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	if n := len(lines); n > 160 {
		t.Errorf("README.md has %d lines; keep it under ~150 and move reference material to docs/", n)
	}
	head := strings.Join(lines[:min(20, len(lines))], "\n")
	for _, cmd := range []string{"make invoke", "make test"} {
		if !strings.Contains(head, cmd) {
			t.Errorf("README.md's first 20 lines do not show %q", cmd)
		}
	}
	// Every page of docs/ is linked from the README or from a page the README links to.
	reached := map[string]bool{"README.md": true}
	queue := []string{"README.md"}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		src, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue // a missing page is TestRepositoryLinksResolve's to report
		}
		for _, l := range Parse(src).Links {
			target, _, _ := strings.Cut(l, "#")
			if target == "" || strings.Contains(target, ":") || !strings.HasSuffix(target, ".md") {
				continue
			}
			target = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(f), target)))
			if !reached[target] {
				reached[target] = true
				queue = append(queue, target)
			}
		}
	}
	for _, f := range docFiles(t) {
		if !reached[f] {
			t.Errorf("%s is not reachable by links from README.md", f)
		}
	}
}
