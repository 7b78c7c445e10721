// Command release writes the release artifacts into dist/: for each function (the CustomMessage
// trigger, the existing-pool provider, and the custom sender when ./sender exists) a Lambda zip per
// architecture for provided.al2023, the list of Go modules inside each binary, and SHA256SUMS.
//
//	go run ./tools/release -version v1.2.3 [-tags lambda.norpc,brands] [-out dist]
//
// The artifacts are reproducible: the same commit built in another folder, at another time, gives
// the same bytes. The Go side comes from -trimpath, -buildvcs=false and a pinned environment; the zip
// side is written here with archive/zip, because the zip command stores the file's own mtime, owner
// and mode (and its entry order follows the command line), all of which change between checkouts.
package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Function is one Lambda entry point of the project: the package that builds its bootstrap and
// the name its zips start with.
type Function struct {
	Package string // relative to the module root, e.g. ./handler
	Name    string // artifact name prefix, e.g. cognito-custom-message
}

// Functions are the entry points shipped in a release. The sender is included only when its folder
// exists (it lands separately from this tool).
var Functions = []Function{
	{"./handler", "cognito-custom-message"},
	{"./provider", "cognito-custom-message-provider"},
	{"./sender", "cognito-custom-message-sender"},
}

// Arch is a Lambda architecture: Lambda's name for it (in the zip's name) and Go's.
type Arch struct{ Lambda, GOARCH string }

// Arches are both Lambda architectures. A function must be created with the architecture of its
// zip: the arm64 bootstrap on an x86_64 function fails every invocation with "exec format error".
var Arches = []Arch{{"arm64", "arm64"}, {"x86_64", "amd64"}}

// versionRE is the release version: vMAJOR.MINOR.PATCH with an optional pre-release, as semver.org
// writes them (no leading zeros) with Go's "v" prefix. Build metadata (+...) is refused: it would
// name two different builds the same version.
var versionRE = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// ValidVersion reports whether v is a release version such as v1.2.3 or v1.2.3-rc.1.
func ValidVersion(v string) bool {
	if !versionRE.MatchString(v) {
		return false
	}
	// Numeric pre-release identifiers have no leading zeros either (semver.org item 9).
	if i := strings.IndexByte(v, '-'); i >= 0 {
		for _, id := range strings.Split(v[i+1:], ".") {
			if len(id) > 1 && id[0] == '0' && strings.Trim(id, "0123456789") == "" {
				return false
			}
		}
	}
	return true
}

// VersionVar is the variable the version is stamped into (-ldflags -X), logged once per invocation.
const VersionVar = "cognito-custom-message/trigger.Version"

// zipTime is the modification time of every zip entry: MS-DOS date 1980-01-01 (the format's
// earliest) and time 00:00, fixed so that the checkout's mtimes never reach the zip.
const (
	zipDate = 1<<5 | 1 // (1980-1980)<<9 | month 1<<5 | day 1
	zipTime = 0
)

func main() {
	version := flag.String("version", "", "the release version, vX.Y.Z (semantic versioning)")
	tags := flag.String("tags", "lambda.norpc", "the build tags (the Makefile adds brands when BRANDS_DIR has brands)")
	out := flag.String("out", "dist", "the folder to write; emptied first")
	flag.Parse()
	if !ValidVersion(*version) {
		fmt.Fprintf(os.Stderr, "release: VERSION=%q is not a semantic version vX.Y.Z (e.g. v1.2.3 or v1.2.3-rc.1)\n", *version)
		os.Exit(2)
	}
	files, err := Release(".", *out, *version, *tags)
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
	for _, f := range files {
		st, err := os.Stat(filepath.Join(*out, f))
		if err != nil {
			fmt.Fprintln(os.Stderr, "release:", err)
			os.Exit(1)
		}
		fmt.Printf("%s/%s\t%d bytes\n", *out, f, st.Size())
	}
}

// Release builds every function of the module in root for every architecture into out (relative
// to root unless absolute) and returns the names of the files written, SHA256SUMS last.
func Release(root, out, version, tags string) ([]string, error) {
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	if filepath.Clean(out) == filepath.Clean(root) {
		return nil, errors.New("the output folder must not be the module root")
	}
	if err := os.RemoveAll(out); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "release-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	var files []string
	for _, fn := range Functions {
		if _, err := os.Stat(filepath.Join(root, fn.Package)); errors.Is(err, os.ErrNotExist) {
			continue
		}
		for _, a := range Arches {
			bin := filepath.Join(tmp, fn.Name+"-"+a.Lambda)
			if err := build(root, fn.Package, a.GOARCH, version, tags, bin); err != nil {
				return nil, err
			}
			base := fmt.Sprintf("%s-%s-%s", fn.Name, version, a.Lambda)
			exe, err := os.ReadFile(bin)
			if err != nil {
				return nil, err
			}
			z, err := Zip("bootstrap", exe)
			if err != nil {
				return nil, err
			}
			mods, err := Modules(bin, version)
			if err != nil {
				return nil, err
			}
			for name, data := range map[string][]byte{base + ".zip": z, base + ".modules.txt": mods} {
				if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
					return nil, err
				}
				files = append(files, name)
			}
		}
	}
	sort.Strings(files)
	sums, err := Sums(out, files)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(out, "SHA256SUMS"), sums, 0o644); err != nil {
		return nil, err
	}
	return append(files, "SHA256SUMS"), nil
}

// build compiles pkg for linux/goarch. The environment is pinned (not inherited) where it changes
// the output: GOFLAGS could add -buildvcs or -mod, GOAMD64/GOARM64 the instruction set.
func build(root, pkg, goarch, version, tags, out string) error {
	cmd := exec.Command("go", "build", "-tags", tags, "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X "+VersionVar+"="+version, "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch,
		"GOAMD64=v1", "GOARM64=v8.0", "GOFLAGS=", "GOEXPERIMENT=")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s for %s: %w", pkg, goarch, err)
	}
	return nil
}

// Zip returns a zip holding one executable file, name, with fixed time and mode: the same bytes
// whoever builds it, wherever. Lambda runs the bootstrap only with its executable bit (0755).
func Zip(name string, data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, ModifiedDate: zipDate, ModifiedTime: zipTime}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Modules lists what the binary was built from: the release version (stamped with -X; the build
// info leaves -ldflags out under -trimpath), then from the build info the Go version, the main
// package, each module with its version and checksum, and the build settings (tags, GOARCH). No
// path of the build machine appears (-trimpath).
func Modules(bin, version string) ([]byte, error) {
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		return nil, fmt.Errorf("build info of %s: %w", bin, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "version\t%s\ngo\t%s\npath\t%s\n", version, bi.GoVersion, bi.Path)
	fmt.Fprintf(&b, "mod\t%s\t%s\n", bi.Main.Path, bi.Main.Version)
	for _, d := range bi.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		fmt.Fprintf(&b, "dep\t%s\t%s\t%s\n", m.Path, m.Version, m.Sum)
	}
	for _, s := range bi.Settings {
		fmt.Fprintf(&b, "build\t%s=%s\n", s.Key, s.Value)
	}
	return []byte(b.String()), nil
}

// Sums returns SHA256SUMS for the files in dir, in the format `sha256sum -c` reads.
func Sums(dir string, files []string) ([]byte, error) {
	var b strings.Builder
	for _, f := range files {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		_, err = io.Copy(h, fh)
		fh.Close()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), f)
	}
	return []byte(b.String()), nil
}
