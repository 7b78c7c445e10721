//go:build brands

package delivery

import (
	"testing"

	"cognito-custom-message/messages"
)

// TestATOBrandsCompiledIn: every brand compiled in (messages.Brands()) has its account-takeover
// tree, with the locales the mail can fall back to, so a branded ATO mail never silently loses the
// brand's logo, accent and support line to the shipped tree.
func TestATOBrandsCompiledIn(t *testing.T) {
	for _, b := range messages.Brands() {
		tree, ok := atoBrands[b.Name]
		if !ok {
			t.Errorf("brand %s has no account-takeover tree: run `make generate` with its BRANDS_DIR", b.Name)
			continue
		}
		if len(tree.Locales) == 0 {
			t.Errorf("brand %s: no locale has the account-takeover files", b.Name)
		}
		if _, ok := atoRenderers()[b.Name]; !ok {
			t.Errorf("brand %s: no renderer", b.Name)
		}
	}
	if len(atoBrands) != len(messages.Brands()) {
		t.Errorf("%d ATO trees for %d brands", len(atoBrands), len(messages.Brands()))
	}
}
