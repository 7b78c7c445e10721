package main

import (
	"archive/zip"
	"bytes"
	"debug/elf"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestValidVersion(t *testing.T) {
	for v, want := range map[string]bool{
		"v1.2.3": true, "v0.3.0": true, "v10.20.30": true, "v1.2.3-rc.1": true, "v1.0.0-alpha-2.x": true,
		"1.2.3": false, "v1.2": false, "v1": false, "v01.2.3": false, "v1.02.3": false, "v1.2.03": false,
		"v1.2.3-01": false, "v1.2.3+build.5": false, "v1.2.3-": false, "v1.2.3-rc..1": false, "": false,
		"v1.2.3 ": false, "v1.2.3\n": false, "latest": false, "V1.2.3": false,
	} {
		if got := ValidVersion(v); got != want {
			t.Errorf("ValidVersion(%q) = %v; want %v", v, got, want)
		}
	}
}

// TestZipHeaders: the zip holds exactly the bootstrap, executable, dated 1980-01-01, with no
// extra fields (the extended timestamp would carry a time again).
func TestZipHeaders(t *testing.T) {
	data := []byte("\x7fELF not really")
	z, err := Zip("bootstrap", data)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 {
		t.Fatalf("%d entries; want 1", len(zr.File))
	}
	f := zr.File[0]
	if f.Name != "bootstrap" || f.Mode() != 0o755 || len(f.Extra) != 0 {
		t.Errorf("entry %q mode %v extra %x; want bootstrap -rwxr-xr-x and no extra", f.Name, f.Mode(), f.Extra)
	}
	if got := f.ModTime(); !got.Equal(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("mtime %v; want 1980-01-01 00:00", got)
	}
	if got := readEntry(t, f); !bytes.Equal(got, data) {
		t.Errorf("content %q; want %q", got, data)
	}
}

// TestReproducible builds the release twice from copies of the tracked files in two different
// folders (different paths, different file times), and wants byte-identical artifacts and
// SHA256SUMS. RELEASE_REPRO_COLD=1 gives the second build an empty build cache, so that nothing of
// the first is reused (minutes rather than seconds).
func TestReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release twice")
	}
	start := time.Now()
	const version = "v0.0.0-reprotest.1"
	a := copyTracked(t, filepath.Join(t.TempDir(), "a"), time.Now())
	b := copyTracked(t, filepath.Join(t.TempDir(), "second", "checkout"), time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC))
	filesA, err := Release(a, "dist", version, "lambda.norpc")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("RELEASE_REPRO_COLD") == "1" {
		t.Setenv("GOCACHE", t.TempDir())
	}
	filesB, err := Release(b, "dist", version, "lambda.norpc")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(filesA, " ") != strings.Join(filesB, " ") {
		t.Fatalf("files differ:\n%v\n%v", filesA, filesB)
	}
	want := map[string]bool{"SHA256SUMS": true}
	for _, fn := range Functions {
		if _, err := os.Stat(filepath.Join(a, fn.Package)); err != nil {
			continue
		}
		for _, arch := range Arches {
			want[fn.Name+"-"+version+"-"+arch.Lambda+".zip"] = true
			want[fn.Name+"-"+version+"-"+arch.Lambda+".modules.txt"] = true
		}
	}
	if len(filesA) != len(want) {
		t.Errorf("wrote %v; want %d files", filesA, len(want))
	}
	for _, f := range filesA {
		if !want[f] {
			t.Errorf("unexpected artifact %s", f)
		}
		da, db := readFile(t, filepath.Join(a, "dist", f)), readFile(t, filepath.Join(b, "dist", f))
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs between the two builds (%d and %d bytes)", f, len(da), len(db))
		}
		if strings.HasSuffix(f, ".zip") {
			checkZip(t, f, da, version, a, b)
		}
	}
	t.Logf("two release builds in %v", time.Since(start).Round(time.Second))
}

// checkZip: the zip's bootstrap is an ELF for the architecture in its name, carries the stamped
// version, and holds neither checkout's path.
func checkZip(t *testing.T, name string, z []byte, version string, roots ...string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode() != 0o755 {
		t.Fatalf("%s: want one executable bootstrap, got %d entries", name, len(zr.File))
	}
	exe := readEntry(t, zr.File[0])
	ef, err := elf.NewFile(bytes.NewReader(exe))
	if err != nil {
		t.Fatalf("%s: bootstrap is not ELF: %v", name, err)
	}
	machine := elf.EM_X86_64
	if strings.HasSuffix(name, "-arm64.zip") {
		machine = elf.EM_AARCH64
	}
	if ef.Machine != machine {
		t.Errorf("%s: bootstrap is for %v; want %v", name, ef.Machine, machine)
	}
	if !strings.Contains(name, "provider") && !bytes.Contains(exe, []byte(version)) {
		t.Errorf("%s: the version %s is not stamped in the bootstrap", name, version)
	}
	for _, r := range roots {
		if bytes.Contains(exe, []byte(r)) {
			t.Errorf("%s: the bootstrap holds the build path %s", name, r)
		}
	}
}

// copyTracked copies the files git tracks (as they are on disk) into dir, dated mtime.
func copyTracked(t *testing.T, dir string, mtime time.Time) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	list, err := cmd.Output()
	if err != nil {
		t.Skipf("git ls-files: %v (not a git checkout)", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		src := filepath.Join(root, f)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // deleted in the work tree, or a symlink
		}
		dst := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, readFile(t, src), st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(dst, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readEntry(t *testing.T, f *zip.File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
