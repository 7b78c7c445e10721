// Command genmessages is `make generate`: it compiles every locale, trigger source and variant of
// the embedded templates into messages/sets_gen.go, the table the Lambda renders from. It fails,
// naming the template, when a template cannot be compiled.
package main

import (
	"bytes"
	"fmt"
	"os"

	"cognito-custom-message/templates"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genmessages:", err)
		os.Exit(1)
	}
}

func run() error {
	table, err := templates.Embedded().Table()
	if err != nil {
		return err
	}
	src, err := templates.GenerateGo(table)
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(templates.GeneratedFile); err == nil && bytes.Equal(old, src) {
		return nil
	}
	if err := os.WriteFile(templates.GeneratedFile, src, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d message sets\n", templates.GeneratedFile, len(table))
	return nil
}
