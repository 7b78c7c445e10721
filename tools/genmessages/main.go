// Command genmessages is `make generate`: it compiles every locale, trigger source and variant of
// the embedded templates into messages/sets_gen.go, the table the Lambda renders from, and, with
// -brands DIR, every brand in DIR into messages/brands_gen.go (read by builds with -tags brands).
// It fails, naming the template or brand file, when something cannot be compiled.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"cognito-custom-message/templates"
)

func main() {
	brandsDir := flag.String("brands", "", "a folder of brands to compile into "+templates.BrandsFile+" (empty: none)")
	stamp := flag.String("stamp", "", "write which brands are compiled in (JSON) to this file, when it changes")
	flag.Parse()
	if err := run(*brandsDir, *stamp); err != nil {
		fmt.Fprintln(os.Stderr, "genmessages:", err)
		os.Exit(1)
	}
}

func run(brandsDir, stamp string) error {
	table, err := templates.Embedded().Table()
	if err != nil {
		return err
	}
	src, err := templates.GenerateGo(table)
	if err != nil {
		return err
	}
	if err := write(templates.GeneratedFile, src, fmt.Sprintf("%d message sets", len(table))); err != nil {
		return err
	}
	// The account-takeover mail, which only the custom sender renders (internal/atomail).
	ato, err := templates.Embedded().ATOTree()
	if err != nil {
		return err
	}
	if src, err = templates.GenerateATOGo(ato); err != nil {
		return err
	}
	if err := write(templates.ATOGeneratedFile, src, fmt.Sprintf("%d locales' account-takeover mail", len(ato.Locales))); err != nil {
		return err
	}
	manifest := templates.BrandManifest{Brands: []templates.BrandManifestEntry{}}
	if brandsDir == "" {
		return writeStamp(stamp, manifest)
	}
	brands, err := templates.LoadBrands(os.DirFS(brandsDir), templates.Files())
	if err != nil {
		return err
	}
	compiled, err := templates.CompileBrands(brands)
	if err != nil {
		return err
	}
	sets := 0
	for _, bt := range compiled {
		sets += len(bt.Table)
	}
	src, err = templates.GenerateBrandsGo(compiled)
	if err != nil {
		return err
	}
	if err := write(templates.BrandsFile, src, fmt.Sprintf("%d brands from %s, %d message sets", len(brands), brandsDir, sets)); err != nil {
		return err
	}
	atoSrc, err := templates.GenerateATOBrandsGo(brands)
	if err != nil {
		return err
	}
	if err := write(templates.ATOBrandsFile, atoSrc, fmt.Sprintf("%d brands' account-takeover mail", len(brands))); err != nil {
		return err
	}
	// The stamp's digest is of brands_gen.go, the source the CDK app regenerates to compare
	// (infra's brandDigest): not of the account-takeover file written since.
	return writeStamp(stamp, templates.NewBrandManifest(brandsDir, brands, src))
}

func writeStamp(file string, m templates.BrandManifest) error {
	if file == "" {
		return nil
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	old, err := os.ReadFile(file)
	if err == nil && bytes.Equal(old, append(b, '\n')) {
		return nil
	}
	return os.WriteFile(file, append(b, '\n'), 0o644)
}

// write replaces file only when its content changes, so make sees it as new only then.
func write(file string, src []byte, what string) error {
	old, err := os.ReadFile(file)
	if err == nil && bytes.Equal(old, src) {
		return nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.WriteFile(file, src, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %s\n", file, what)
	return nil
}
