package makehelp

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	targetRe = regexp.MustCompile(`^([a-zA-Z0-9_-]+):.*## `)
	refRe    = regexp.MustCompile(`\$\(([A-Z][A-Z0-9_]*)\)`)
	assignRe = regexp.MustCompile(`^(?:export +)?([A-Z][A-Z0-9_]*) *(\?=|:=|\+=|=)`)
	// make's own variables are nobody's input.
	builtin = []string{"MAKE", "MAKEFILE_LIST", "SHELL", "CURDIR", "MAKEFLAGS"}
)

// missing returns, for the Makefile text mk and the help it prints, each variable a listed
// target's recipe names that a person sets (one with a ?= default, or never assigned) and that the
// help does not list under that target, or not in its variables with the default.
func missing(mk, help string) []string {
	internal := map[string]bool{}
	defaults := map[string]string{}
	for _, l := range strings.Split(mk, "\n") {
		if m := assignRe.FindStringSubmatch(l); m != nil {
			if m[2] == "?=" {
				defaults[m[1]] = strings.TrimSpace(l[len(m[0]):])
			} else if _, ok := defaults[m[1]]; !ok {
				internal[m[1]] = true
			}
		}
	}
	takes := map[string]string{} // target -> its "takes:" line
	vars := map[string]string{}  // variable -> its line in the Variables section
	last := ""
	for _, l := range strings.Split(help, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 2 && f[0] == "make":
			last = f[1]
		case len(f) >= 1 && f[0] == "takes:":
			takes[last] = " " + strings.Join(f[1:], " ") + " "
		case len(f) >= 2 && strings.HasPrefix(l, "  ") && strings.ToUpper(f[0]) == f[0]:
			vars[f[0]] = l
		}
	}
	var out []string
	target := ""
	for _, l := range strings.Split(mk, "\n") {
		if m := targetRe.FindStringSubmatch(l); m != nil {
			target = m[1]
			continue
		}
		if !strings.HasPrefix(l, "\t") {
			target = ""
			continue
		}
		if target == "" {
			continue
		}
		for _, m := range refRe.FindAllStringSubmatch(l, -1) {
			v := m[1]
			if _, settable := defaults[v]; slices.Contains(builtin, v) || (internal[v] && !settable) {
				continue
			}
			if !strings.Contains(takes[target], " "+v+" ") {
				out = append(out, "make "+target+" takes "+v+" but its help does not list it")
			}
			if line, ok := vars[v]; !ok {
				out = append(out, v+" is not among the help's variables")
			} else if d := defaults[v]; d != "" && !strings.Contains(line, "["+d+"]") {
				out = append(out, v+": the help does not give its default "+d)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestHelpListsEveryVariable(t *testing.T) {
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", "-s", "--no-print-directory", "help")
	cmd.Dir = "../.."
	help, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make help: %v\n%s", err, help)
	}
	for _, m := range missing(string(mk), string(help)) {
		t.Error(m)
	}
	// The ones people ask for by name (issue 19).
	for _, v := range []string{"EVENT", "BRANDS_DIR", "CDK_ARGS", "POOL", "APP_NAME", "DEFAULT_LOCALE", "LOCALES", "BRANDS", "FUZZTIME", "MUTATE_WORKERS"} {
		if !strings.Contains(string(help), "\n  "+v+" ") {
			t.Errorf("make help does not list %s:\n%s", v, help)
		}
	}
}

// TestMissingCatchesAnUndocumentedVariable: the check fails on a Makefile whose recipe takes a
// variable nobody documented, and on one whose documented default is not shown.
func TestMissingCatchesAnUndocumentedVariable(t *testing.T) {
	mk := "#? DOC: documented\nDOC ?= 1\nUNDOC ?= 2\nINTERNAL := x\n" +
		"run: ## run it\n\techo $(DOC) $(UNDOC) $(INTERNAL) $(GIVEN) $(MAKE)\n"
	path := filepath.Join(t.TempDir(), "Makefile")
	if err := os.WriteFile(path, []byte(mk), 0o644); err != nil {
		t.Fatal(err)
	}
	help, err := exec.Command("awk", "-f", "help.awk", path).CombinedOutput()
	if err != nil {
		t.Fatalf("awk: %v\n%s", err, help)
	}
	if !strings.Contains(string(help), "takes: DOC") || !strings.Contains(string(help), "documented [1]") {
		t.Errorf("help of a documented variable:\n%s", help)
	}
	got := missing(mk, string(help))
	want := []string{
		"GIVEN is not among the help's variables",
		"UNDOC is not among the help's variables",
		"make run takes GIVEN but its help does not list it",
		"make run takes UNDOC but its help does not list it",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q; want %q", got, want)
	}
}
