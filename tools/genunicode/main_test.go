package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ucdDir is where Debian's unicode-data package puts the UCD; CI installs it (apt-get install
// unicode-data) so that the committed table is checked against its source.
const ucdDir = "/usr/share/unicode"

const securityDir = "../../messages/testdata/uts39"

// TestGeneratedTableIsCurrent regenerates messages/names_gen.go from its sources and compares: a
// hand edit, a changed exception list or a generator change not followed by `go run
// ./tools/genunicode` fails here.
func TestGeneratedTableIsCurrent(t *testing.T) {
	if _, err := os.Stat(filepath.Join(ucdDir, "UnicodeData.txt")); err != nil {
		t.Skipf("the Unicode %s UCD is not installed in %s (apt-get install unicode-data): %v", UnicodeVersion, ucdDir, err)
	}
	got, err := Generate(ucdDir, securityDir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../messages/names_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("messages/names_gen.go is stale: run go run ./tools/genunicode and commit it")
	}
}

// TestSourcesArePinned shows that a file that is not the pinned Unicode 15.0.0 one stops the
// generator, naming the file, rather than quietly changing the table.
func TestSourcesArePinned(t *testing.T) {
	ucd := t.TempDir()
	for _, s := range sources {
		if s.dir == "ucd" {
			if err := os.WriteFile(filepath.Join(ucd, s.name), []byte("# not the real file\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err := Generate(ucd, securityDir)
	if err == nil || !strings.Contains(err.Error(), "UnicodeData.txt: SHA-256") {
		t.Fatalf("Generate with a forged UnicodeData.txt: err = %v; want a SHA-256 mismatch naming it", err)
	}

	if _, err := os.Stat(filepath.Join(ucdDir, "UnicodeData.txt")); err != nil {
		return // the security half needs the real UCD to get that far
	}
	sec := t.TempDir()
	for _, name := range []string{"IdentifierStatus.txt", "confusables.txt"} {
		b, err := os.ReadFile(filepath.Join(securityDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if name == "confusables.txt" {
			b = bytes.Replace(b, []byte("0031 ;\t006C ;"), []byte("0031 ;\t0031 ;"), 1) // "1" no longer reads as "l"
		}
		if err := os.WriteFile(filepath.Join(sec, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = Generate(ucdDir, sec)
	if err == nil || !strings.Contains(err.Error(), "confusables.txt: SHA-256") {
		t.Fatalf("Generate with an edited confusables.txt: err = %v; want a SHA-256 mismatch naming it", err)
	}
}
