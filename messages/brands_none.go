//go:build !brands

package messages

// Without -tags brands no brand is compiled in: `make` adds the tag, and writes brands_gen.go (which
// git ignores), when BRANDS_DIR holds brands. Keeping them out of the tracked tree lets teams build
// with brands kept in their own repository without changing a file here.
var generatedBrands []Brand
