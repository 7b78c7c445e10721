//go:build !brands

package delivery

import "cognito-custom-message/internal/atoprog"

// Without -tags brands no brand is compiled in (as messages.Brands()); atobrands_gen.go, which git
// ignores, holds each brand's account-takeover files when BRANDS_DIR has brands.
var atoBrands map[string]atoprog.Tree
