//go:build brands

package main

import (
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
