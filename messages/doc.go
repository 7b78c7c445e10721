// Package messages is what the Lambda runs: the message sets of every shipped locale and trigger
// source, compiled from templates/ at build time, and Cognito's rules for what a reply may contain.
//
// Why compiled: parsing and escaping the templates costs a few hundred microseconds and the
// template packages a third more binary on every cold start, inside Cognito's 5-second budget.
// The templates are embedded and immutable, so `make generate` (run by make build, invoke and test)
// renders each locale, source and variant once, with stand-ins where the per-user values go, proves
// the result equals a real html/template render, and writes sets_gen.go. At run time a reply is a
// concatenation: no template execution, no reflection, no escaping pass but the HTML escape of the
// display name and product name. A test fails when sets_gen.go is older than the templates.
package messages
