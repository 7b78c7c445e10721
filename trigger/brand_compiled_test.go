//go:build brands

package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cognito-custom-message/messages"
)

// TestCompiledBrands runs with the brands `make` compiled in (-tags brands, from BRANDS_DIR): every
// brand, locale and source keeps the guarantees through the table the Lambda uses.
func TestCompiledBrands(t *testing.T) {
	brands := BrandsOf(messages.Brands())
	if len(brands) == 0 {
		t.Fatal("built with -tags brands but no brand is compiled in")
	}
	checkBrandGuarantees(t, brands)
}

// TestExampleEvents: with the example brands compiled in, each of examples/events/*-<brand>*.json
// is answered in that brand (the events `make invoke BRANDS_DIR=examples/brands EVENT=…` sends).
func TestExampleEvents(t *testing.T) {
	brands := BrandsOf(messages.Brands())
	files, _ := filepath.Glob("../examples/events/*.json")
	if len(files) == 0 {
		t.Fatal("no example events")
	}
	for _, f := range files {
		var want string
		for _, b := range brands {
			if strings.Contains(filepath.Base(f), "-"+b.Name) {
				want = b.Name
			}
		}
		if want == "" {
			t.Logf("%s: names none of the compiled brands (BRANDS_DIR=%s); skipped", f, os.Getenv("BRANDS_DIR"))
			continue
		}
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		h := testHandler(t, WithBrands(brands...), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
		if _, err := h.Invoke(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		var rec struct{ Brand, BrandSource, Fallback string }
		_ = json.Unmarshal(bytes.ReplaceAll(logs.Bytes(), []byte(`"brand_source"`), []byte(`"BrandSource"`)), &rec)
		if rec.Brand != want || rec.BrandSource != BrandFromClient || rec.Fallback != FallbackNone {
			t.Errorf("%s: brand %q from %q, fallback %q; want %s from the client ID", f, rec.Brand, rec.BrandSource, rec.Fallback, want)
		}
	}
}
