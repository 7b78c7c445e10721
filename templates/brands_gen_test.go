//go:build brands

package templates

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGeneratedBrandsAreCurrent: with -tags brands, messages/brands_gen.go must be what BRANDS_DIR
// compiles to now (make regenerates it before every build and test; this catches a build without).
func TestGeneratedBrandsAreCurrent(t *testing.T) {
	dir := os.Getenv("BRANDS_DIR")
	if dir == "" {
		t.Fatal("built with -tags brands: set BRANDS_DIR to the brands folder it was generated from")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir)
	}
	brands, err := LoadBrands(os.DirFS(dir), Files())
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := CompileBrands(brands)
	if err != nil {
		t.Fatal(err)
	}
	want, err := GenerateBrandsGo(compiled)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", BrandsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run `make generate BRANDS_DIR=%s`", BrandsFile, os.Getenv("BRANDS_DIR"))
	}
}
