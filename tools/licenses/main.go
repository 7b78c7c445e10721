// Command licenses checks that every dependency's license is compatible with this project's
// Apache-2.0, and keeps docs/licenses.md, the list of them, current:
//
//	go run ./tools/licenses          # check; fails on a license outside Allowed or a stale page
//	go run ./tools/licenses -write   # rewrite docs/licenses.md
//
// The Go side is google/go-licenses (a go.mod tool), run over the packages of each shipped binary
// for linux/arm64 and linux/amd64 with the release build's tags, so the list is what the zips link.
// It identifies each library's LICENSE file with Google's licenseclassifier, offline. The npm side
// reads the license fields of every lock file in Locks — the project's own tools and what a user of
// each TypeScript recipe installs: npm copies them from each package.json, and there is no
// maintained Go library for the lock file, so this small reader is written here.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Allowed are the licenses a dependency may have: permissive ones, and MPL-2.0, whose weak copyleft
// applies to changes of the MPL files themselves (we ship them unmodified, and say where they are).
var Allowed = map[string]string{
	"Apache-2.0":       "permissive, this project's own",
	"MIT":              "permissive",
	"MIT-0":            "permissive (MIT without the attribution clause)",
	"BSD-2-Clause":     "permissive",
	"BSD-3-Clause":     "permissive",
	"0BSD":             "permissive (public-domain-like)",
	"ISC":              "permissive",
	"Zlib":             "permissive",
	"CC0-1.0":          "public-domain dedication",
	"Unicode-DFS-2016": "permissive (Unicode data)",
	"Unicode-3.0":      "permissive (Unicode data)",
	"BlueOak-1.0.0":    "permissive",
	"MPL-2.0":          "weak copyleft: usable unmodified; changes to its files must stay MPL-2.0",
}

// npmReviewed are lock-file packages without a license field, each checked by hand. Keyed by
// name@version so that an upgrade is looked at again.
var npmReviewed = map[string]string{
	// Its package.json has the old "licenses": [{"type": "MIT"}] array, which npm does not copy
	// into the lock file; License.md is the MIT text.
	"querystring@0.2.0": "MIT",
}

// npmAccepted are lock-file packages whose declared license is outside Allowed but was reviewed
// for what this project does with them, keyed by name, with the one license accepted: a package that
// changes its license is refused again (a new version of the same data is not).
var npmAccepted = map[string]string{
	// Browser-support data (JSON) repacked from caniuse.com, which browserslist reads: a build tool
	// in @aws-amplify/backend's tree, a dev dependency of the Amplify recipe. Attribution only; none
	// of it is deployed or shipped in a zip.
	"caniuse-lite": "CC-BY-4.0",
}

// Lock is a package-lock.json the check reads, and the page's section for it.
type Lock struct {
	Path  string // relative to the repository root
	Title string
	About string // what installs it, and whether any of it ships
}

// Locks are the lock files checked: the project's own tools, and each recipe's, which are what a
// user of the recipe installs with npm ci.
var Locks = []Lock{
	{"package-lock.json", "npm packages (development tools only)",
		"`package-lock.json` pins the CDK CLI and cognito-local for the tests and `make deploy`; none of it\nis in a zip."},
	{"examples/cdk-typescript/package-lock.json", "npm packages of the CDK TypeScript recipe",
		"What a user of `examples/cdk-typescript` installs with `npm ci`: aws-cdk-lib, constructs, the CDK CLI\nand the TypeScript toolchain. The function itself is the release zip; none of this is in it."},
	{"examples/amplify/package-lock.json", "npm packages of the Amplify Gen 2 recipe",
		"What a user of `examples/amplify` installs with `npm ci`: @aws-amplify/backend and its CLI, the CDK\nand the TypeScript toolchain. The function itself is the release zip; none of this is in it."},
}

// LockLibs are the packages of one lock file.
type LockLibs struct {
	Lock
	Libs []Lib
}

// Binaries are the shipped functions' packages (as tools/release builds them) and their names.
var Binaries = []struct{ Package, Name string }{
	{"./handler", "cognito-custom-message (the CustomMessage trigger)"},
	{"./provider", "cognito-custom-message-provider (existing-pool attachment)"},
	{"./sender", "cognito-custom-message-sender (custom sender)"},
}

// releaseTags are the tags of the shipped build (brands add no modules).
const releaseTags = "lambda.norpc"

// Lib is one dependency and its license.
type Lib struct{ Name, Version, License string }

const doc = "docs/licenses.md"

func main() {
	write := flag.Bool("write", false, "rewrite "+doc+" instead of checking it")
	flag.Parse()
	if err := run(*write); err != nil {
		fmt.Fprintln(os.Stderr, "licenses:", err)
		os.Exit(1)
	}
}

func run(write bool) error {
	goLibs, err := goLicenses()
	if err != nil {
		return err
	}
	locks, bad, err := CheckLocks(".")
	if err != nil {
		return err
	}
	nGo := 0
	for _, b := range Binaries {
		for _, l := range goLibs[b.Package] {
			nGo++
			if !AllowedExpr(l.License) {
				bad = append(bad, fmt.Sprintf("Go %s %s (in %s): %s", l.Name, l.Version, b.Package, l.License))
			}
		}
	}
	page := Page(goLibs, locks)
	if write {
		if err := os.WriteFile(doc, page, 0o644); err != nil {
			return err
		}
	} else if cur, err := os.ReadFile(doc); err != nil || !bytes.Equal(cur, page) {
		bad = append(bad, doc+" does not list the current dependencies: run make licenses-doc and commit it")
	}
	if len(bad) > 0 {
		return errors.New("not allowed (see " + doc + " for the allow-list):\n  " + strings.Join(bad, "\n  "))
	}
	var counts []string
	for _, l := range locks {
		counts = append(counts, fmt.Sprintf("%d in %s", len(l.Libs), l.Path))
	}
	fmt.Printf("    licenses: %d Go libraries in the binaries, npm packages %s, all allowed\n", nGo, strings.Join(counts, ", "))
	return nil
}

// CheckLocks reads every lock file of Locks under root and returns their packages, and one line for
// each package whose license is not allowed (AllowedNPM). A missing lock file is an error: a recipe
// that stopped pinning its packages is not a recipe with nothing to check.
func CheckLocks(root string) ([]LockLibs, []string, error) {
	var out []LockLibs
	var bad []string
	for _, lk := range Locks {
		b, err := os.ReadFile(filepath.Join(root, lk.Path))
		if err != nil {
			return nil, nil, err
		}
		libs, err := NPM(b)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", lk.Path, err)
		}
		for _, l := range libs {
			if !AllowedNPM(l) {
				bad = append(bad, fmt.Sprintf("npm %s@%s (in %s): %q", l.Name, l.Version, lk.Path, l.License))
			}
		}
		out = append(out, LockLibs{lk, libs})
	}
	return out, bad, nil
}

// AllowedNPM reports whether an npm package's license is allowed: an allowed expression, or the
// license npmAccepted names for it.
func AllowedNPM(l Lib) bool {
	if lic, ok := npmAccepted[l.Name]; ok && l.License == lic {
		return true
	}
	return AllowedExpr(l.License)
}

// goLicenses runs go-licenses over each binary's packages for both architectures and returns the
// union per package. It builds go-licenses first for this machine: `go tool go-licenses` under
// GOOS/GOARCH would build the tool itself for the target and fail to exec.
func goLicenses() (map[string][]Lib, error) {
	tmp, err := os.MkdirTemp("", "licenses-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "go-licenses")
	build := exec.Command("go", "build", "-o", bin, "github.com/google/go-licenses")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return nil, fmt.Errorf("building go-licenses: %w", err)
	}
	tmpl := filepath.Join(tmp, "report.tmpl")
	if err := os.WriteFile(tmpl, []byte("{{range .}}{{.Name}}\t{{.Version}}\t{{.LicenseName}}\n{{end}}"), 0o644); err != nil {
		return nil, err
	}
	out := map[string][]Lib{}
	for _, b := range Binaries {
		if _, err := os.Stat(b.Package); errors.Is(err, os.ErrNotExist) {
			continue
		}
		seen := map[Lib]bool{}
		for _, arch := range []string{"arm64", "amd64"} {
			cmd := exec.Command(bin, "report", b.Package, "--template", tmpl)
			cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0", "GOFLAGS=-tags="+releaseTags)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			report, err := cmd.Output()
			if err != nil {
				// Its stderr is only shown on failure: on success it holds warnings about license
				// URLs it cannot look up offline, which the check does not need.
				return nil, fmt.Errorf("go-licenses report %s (%s): %w\n%s", b.Package, arch, err, stderr.Bytes())
			}
			libs, err := ParseReport(report)
			if err != nil {
				return nil, err
			}
			for _, l := range libs {
				if !seen[l] {
					seen[l] = true
					out[b.Package] = append(out[b.Package], l)
				}
			}
		}
		sort.Slice(out[b.Package], func(i, j int) bool { return out[b.Package][i].Name < out[b.Package][j].Name })
	}
	return out, nil
}

// ParseReport reads the report template's lines: name, version, license, tab-separated.
func ParseReport(report []byte) ([]Lib, error) {
	var libs []Lib
	for _, line := range strings.Split(strings.TrimSpace(string(report)), "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("go-licenses report line %q: want name, version, license", line)
		}
		if f[0] == "cognito-custom-message" {
			f[1] = "this repository"
		}
		libs = append(libs, Lib{f[0], f[1], f[2]})
	}
	if len(libs) == 0 {
		return nil, errors.New("go-licenses reported no libraries")
	}
	return libs, nil
}

// NPM returns every package of a package-lock.json (lockfileVersion 2 or 3) with its license; a
// package without one takes its hand-reviewed license from npmReviewed, or "" (not allowed).
func NPM(lock []byte) ([]Lib, error) {
	var l struct {
		LockfileVersion int `json:"lockfileVersion"`
		Packages        map[string]struct {
			Version string          `json:"version"`
			License json.RawMessage `json:"license"`
			Link    bool            `json:"link"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		return nil, err
	}
	if l.LockfileVersion < 2 {
		return nil, fmt.Errorf("lockfileVersion %d has no packages map; want 2 or 3", l.LockfileVersion)
	}
	var libs []Lib
	for path, p := range l.Packages {
		if path == "" || p.Link {
			continue // the project itself, or a link to a folder of it
		}
		name := path[strings.LastIndex(path, "node_modules/")+len("node_modules/"):]
		var lic string
		if len(p.License) > 0 && json.Unmarshal(p.License, &lic) != nil {
			lic = "" // the old object form {"type": ...}: reviewed by hand like a missing one
		}
		if lic == "" {
			lic = npmReviewed[name+"@"+p.Version]
		}
		libs = append(libs, Lib{name, p.Version, lic})
	}
	sort.Slice(libs, func(i, j int) bool {
		if libs[i].Name != libs[j].Name {
			return libs[i].Name < libs[j].Name
		}
		return libs[i].Version < libs[j].Version
	})
	return libs, nil
}

// AllowedExpr reports whether an SPDX license expression is allowed: a single identifier in
// Allowed, "A OR B" when either side is, "A AND B" when both are, optionally in one pair of
// parentheses. Anything more nested is refused, to be reviewed and simplified by hand.
func AllowedExpr(expr string) bool {
	e := strings.TrimSpace(expr)
	if strings.HasPrefix(e, "(") && strings.HasSuffix(e, ")") {
		e = e[1 : len(e)-1]
	}
	if e == "" || strings.ContainsAny(e, "()") {
		return false
	}
	for _, alt := range strings.Split(e, " OR ") {
		all := true
		for _, id := range strings.Split(alt, " AND ") {
			if _, ok := Allowed[strings.TrimSpace(id)]; !ok {
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

// Page renders docs/licenses.md.
func Page(goLibs map[string][]Lib, locks []LockLibs) []byte {
	var b strings.Builder
	b.WriteString("# Licenses\n\n")
	b.WriteString("This project is licensed under the Apache License 2.0 ([LICENSE](../LICENSE), [NOTICE](../NOTICE)).\n")
	b.WriteString("This page is generated by `make licenses-doc` (`go run ./tools/licenses -write`); `make licenses`,\n")
	b.WriteString("part of `make test`, fails when a dependency's license is not in the list below or when this page\n")
	b.WriteString("no longer matches the modules and the lock files (`package-lock.json`, the recipes').\n\n")
	b.WriteString("## Allowed licenses\n\n| License | Why it is compatible |\n| --- | --- |\n")
	ids := make([]string, 0, len(Allowed))
	for id := range Allowed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(&b, "| %s | %s |\n", id, Allowed[id])
	}
	b.WriteString("\n## Go libraries in the release binaries\n\n")
	b.WriteString("What each zip of `make release` links (linux/arm64 and linux/amd64), as google/go-licenses finds\n")
	b.WriteString("it: a library is a module, or a folder of one with its own LICENSE. The build info of each binary,\n")
	b.WriteString("with checksums, is in `dist/*.modules.txt` ([release.md](release.md)).\n")
	for _, bin := range Binaries {
		libs, ok := goLibs[bin.Package]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n| Library | Version | License |\n| --- | --- | --- |\n", bin.Name)
		for _, l := range libs {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", l.Name, l.Version, l.License)
		}
	}
	for i, lk := range locks {
		npmSection(&b, lk, i == 0)
	}
	return []byte(b.String())
}

// npmSection writes one lock file's section: the count per license, the packages reviewed by hand,
// and the table — folded for a recipe's, which runs to a thousand rows.
func npmSection(b *strings.Builder, lk LockLibs, own bool) {
	count := map[string]int{}
	for _, l := range lk.Libs {
		count[l.License]++
	}
	lics := make([]string, 0, len(count))
	for l := range count {
		lics = append(lics, l)
	}
	sort.Slice(lics, func(i, j int) bool {
		if count[lics[i]] != count[lics[j]] {
			return count[lics[i]] > count[lics[j]]
		}
		return lics[i] < lics[j]
	})
	fmt.Fprintf(b, "\n## %s\n\n%s %d packages:", lk.Title, lk.About, len(lk.Libs))
	for i, l := range lics {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(b, "%s %s %d", sep, l, count[l])
	}
	var reviewed, accepted []string
	for _, l := range lk.Libs {
		if lic, ok := npmReviewed[l.Name+"@"+l.Version]; ok && l.License == lic {
			reviewed = append(reviewed, fmt.Sprintf("%s@%s (%s)", l.Name, l.Version, lic))
		}
		if lic, ok := npmAccepted[l.Name]; ok && l.License == lic {
			accepted = append(accepted, fmt.Sprintf("%s@%s (%s)", l.Name, l.Version, lic))
		}
	}
	if len(reviewed) > 0 {
		b.WriteString(". Reviewed by hand (the lock file has no license for them): " + strings.Join(reviewed, ", "))
	}
	if len(accepted) > 0 {
		b.WriteString(". Accepted outside the list, for the reason in tools/licenses (npmAccepted): " + strings.Join(accepted, ", "))
	}
	b.WriteString(".\n\n")
	if !own {
		fmt.Fprintf(b, "<details><summary>The %d packages of <code>%s</code></summary>\n\n", len(lk.Libs), lk.Path)
	}
	b.WriteString("| Package | Version | License |\n| --- | --- | --- |\n")
	for _, l := range lk.Libs {
		fmt.Fprintf(b, "| %s | %s | %s |\n", l.Name, l.Version, l.License)
	}
	if !own {
		b.WriteString("\n</details>\n")
	}
}
