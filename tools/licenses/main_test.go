package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestAllowedExpr(t *testing.T) {
	for expr, want := range map[string]bool{
		"MIT": true, "Apache-2.0": true, "(MIT OR CC0-1.0)": true, "MIT OR GPL-3.0": true,
		"MIT AND BSD-3-Clause": true, "(MIT AND GPL-2.0)": false, "GPL-3.0": false, "AGPL-3.0": false,
		"LGPL-2.1": false, "Unknown": false, "": false, "SEE LICENSE IN LICENSE.md": false, "UNLICENSED": false,
		"(MIT OR Apache-2.0) AND GPL-3.0": false, "mit": false,
	} {
		if got := AllowedExpr(expr); got != want {
			t.Errorf("AllowedExpr(%q) = %v; want %v", expr, got, want)
		}
	}
}

// TestNPM: a lock file's packages with their licenses; a package without one gets the reviewed
// license only at the reviewed version, and the old object form counts as missing.
func TestNPM(t *testing.T) {
	lock := `{"lockfileVersion": 3, "packages": {
		"": {"name": "cognito-custom-message"},
		"node_modules/aws-cdk": {"version": "2.1.0", "license": "Apache-2.0"},
		"node_modules/a/node_modules/b": {"version": "1.0.0", "license": "(MIT OR CC0-1.0)"},
		"node_modules/querystring": {"version": "0.2.0"},
		"node_modules/x/node_modules/querystring": {"version": "0.2.1"},
		"node_modules/old": {"version": "3.0.0", "license": {"type": "MIT"}},
		"node_modules/gpl": {"version": "1.0.0", "license": "GPL-3.0"},
		"infra/link": {"link": true}
	}}`
	libs, err := NPM([]byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	want := []Lib{
		{"aws-cdk", "2.1.0", "Apache-2.0"}, {"b", "1.0.0", "(MIT OR CC0-1.0)"}, {"gpl", "1.0.0", "GPL-3.0"},
		{"old", "3.0.0", ""}, {"querystring", "0.2.0", "MIT"}, {"querystring", "0.2.1", ""},
	}
	if !reflect.DeepEqual(libs, want) {
		t.Errorf("NPM = %v; want %v", libs, want)
	}
	var refused []string
	for _, l := range libs {
		if !AllowedExpr(l.License) {
			refused = append(refused, l.Name+"@"+l.Version)
		}
	}
	if got := strings.Join(refused, " "); got != "gpl@1.0.0 old@3.0.0 querystring@0.2.1" {
		t.Errorf("refused %s; want gpl@1.0.0 old@3.0.0 querystring@0.2.1", got)
	}
	if _, err := NPM([]byte(`{"lockfileVersion": 1, "dependencies": {}}`)); err == nil {
		t.Error("lockfileVersion 1 accepted; it has no packages map")
	}
}

func TestParseReport(t *testing.T) {
	libs, err := ParseReport([]byte("cognito-custom-message\tUnknown\tApache-2.0\ngolang.org/x/text\tv0.44.0\tBSD-3-Clause\nexample.com/x\tv1.0.0\tUnknown\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Lib{{"cognito-custom-message", "this repository", "Apache-2.0"}, {"golang.org/x/text", "v0.44.0", "BSD-3-Clause"}, {"example.com/x", "v1.0.0", "Unknown"}}
	if !reflect.DeepEqual(libs, want) {
		t.Errorf("ParseReport = %v; want %v", libs, want)
	}
	if AllowedExpr(libs[2].License) {
		t.Error("a library whose license go-licenses cannot identify is allowed")
	}
	for _, bad := range []string{"", "name only\n", "a\tb\n"} {
		if _, err := ParseReport([]byte(bad)); err == nil {
			t.Errorf("ParseReport(%q) accepted", bad)
		}
	}
}

// writeLocks writes a minimal lock file for every entry of Locks under a temporary root, with
// extra packages (path → JSON) in the one at path.
func writeLocks(t *testing.T, path string, extra map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for _, lk := range Locks {
		pkgs := `"": {"name": "x"}, "node_modules/aws-cdk-lib": {"version": "2.276.0", "license": "Apache-2.0"}`
		if lk.Path == path {
			for k, v := range extra {
				pkgs += fmt.Sprintf(", %q: %s", k, v)
			}
		}
		f := filepath.Join(root, lk.Path)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(`{"lockfileVersion": 3, "packages": {`+pkgs+`}}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestCheckLocksRecipes: the recipes' lock files are held to the same allow-list as the project's
// own: a disallowed license in one fails the check and names the lock file; the one accepted
// exception holds only for its package and its license; a recipe without a lock file is an error.
func TestCheckLocksRecipes(t *testing.T) {
	for _, path := range []string{"examples/cdk-typescript/package-lock.json", "examples/amplify/package-lock.json"} {
		t.Run(path, func(t *testing.T) {
			root := writeLocks(t, path, map[string]string{
				"node_modules/gpl":                        `{"version": "1.0.0", "license": "GPL-3.0-only"}`,
				"node_modules/caniuse-lite":               `{"version": "1.0.30001829", "license": "CC-BY-4.0"}`,
				"node_modules/a/node_modules/other-data":  `{"version": "2.0.0", "license": "CC-BY-4.0"}`,
				"node_modules/b/node_modules/unlicensed":  `{"version": "0.1.0"}`,
				"node_modules/c/node_modules/dual-choice": `{"version": "1.0.0", "license": "(MIT OR GPL-3.0-or-later)"}`,
			})
			locks, bad, err := CheckLocks(root)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				`npm gpl@1.0.0 (in ` + path + `): "GPL-3.0-only"`,
				`npm other-data@2.0.0 (in ` + path + `): "CC-BY-4.0"`,
				`npm unlicensed@0.1.0 (in ` + path + `): ""`,
			}
			sort.Strings(bad)
			if !reflect.DeepEqual(bad, want) {
				t.Errorf("refused\n  %s\nwant\n  %s", strings.Join(bad, "\n  "), strings.Join(want, "\n  "))
			}
			if len(locks) != len(Locks) {
				t.Fatalf("%d lock files read; want %d", len(locks), len(Locks))
			}
			page := string(Page(nil, locks))
			if !strings.Contains(page, "Accepted outside the list, for the reason in tools/licenses (npmAccepted): caniuse-lite@1.0.30001829 (CC-BY-4.0)") ||
				!strings.Contains(page, "| gpl | 1.0.0 | GPL-3.0-only |") {
				t.Errorf("the page does not list the recipe's packages and its exception:\n%s", page)
			}
		})
	}
	t.Run("the accepted package under another license", func(t *testing.T) {
		root := writeLocks(t, "examples/amplify/package-lock.json", map[string]string{
			"node_modules/caniuse-lite": `{"version": "1.0.40000000", "license": "CC-BY-NC-4.0"}`,
		})
		if _, bad, err := CheckLocks(root); err != nil || len(bad) != 1 || !strings.Contains(bad[0], "caniuse-lite@1.0.40000000") {
			t.Errorf("refused %v, err %v; want caniuse-lite refused", bad, err)
		}
	})
	t.Run("a recipe without a lock file", func(t *testing.T) {
		root := writeLocks(t, "", nil)
		if err := os.Remove(filepath.Join(root, "examples/amplify/package-lock.json")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := CheckLocks(root); err == nil {
			t.Error("a missing recipe lock file passed the check")
		}
	})
}

// TestLocksAreReal: every lock file the check names exists in the repository, so that the list
// cannot silently point nowhere.
func TestLocksAreReal(t *testing.T) {
	locks, bad, err := CheckLocks(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locks {
		if len(l.Libs) == 0 {
			t.Errorf("%s has no packages", l.Path)
		}
	}
	if len(bad) > 0 {
		t.Errorf("the repository's lock files have disallowed licenses:\n  %s", strings.Join(bad, "\n  "))
	}
}
