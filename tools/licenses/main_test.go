package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestAllowedExpr(t *testing.T) {
	for expr, want := range map[string]bool{
		"MIT": true, "Apache-2.0": true, "(MIT OR CC0-1.0)": true, "MIT OR GPL-3.0": true,
		"MIT AND BSD-3-Clause": true, "(MIT AND GPL-2.0)": false, "GPL-3.0": false, "AGPL-3.0": false,
		"LGPL-2.1": false, "Unknown": false, "": false, "SEE LICENSE IN LICENSE.md": false, "UNLICENSED": false,
		"(MIT OR Apache-2.0) AND GPL-3.0": false, "mit": false,
	} {
		if got := AllowedExpr(expr); got != want {
			t.Errorf("AllowedExpr(%q) = %v; want %v", expr, got, want)
		}
	}
}

// TestNPM: a lock file's packages with their licenses; a package without one gets the reviewed
// license only at the reviewed version, and the old object form counts as missing.
func TestNPM(t *testing.T) {
	lock := `{"lockfileVersion": 3, "packages": {
		"": {"name": "cognito-custom-message"},
		"node_modules/aws-cdk": {"version": "2.1.0", "license": "Apache-2.0"},
		"node_modules/a/node_modules/b": {"version": "1.0.0", "license": "(MIT OR CC0-1.0)"},
		"node_modules/querystring": {"version": "0.2.0"},
		"node_modules/x/node_modules/querystring": {"version": "0.2.1"},
		"node_modules/old": {"version": "3.0.0", "license": {"type": "MIT"}},
		"node_modules/gpl": {"version": "1.0.0", "license": "GPL-3.0"},
		"infra/link": {"link": true}
	}}`
	libs, err := NPM([]byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	want := []Lib{
		{"aws-cdk", "2.1.0", "Apache-2.0"}, {"b", "1.0.0", "(MIT OR CC0-1.0)"}, {"gpl", "1.0.0", "GPL-3.0"},
		{"old", "3.0.0", ""}, {"querystring", "0.2.0", "MIT"}, {"querystring", "0.2.1", ""},
	}
	if !reflect.DeepEqual(libs, want) {
		t.Errorf("NPM = %v; want %v", libs, want)
	}
	var refused []string
	for _, l := range libs {
		if !AllowedExpr(l.License) {
			refused = append(refused, l.Name+"@"+l.Version)
		}
	}
	if got := strings.Join(refused, " "); got != "gpl@1.0.0 old@3.0.0 querystring@0.2.1" {
		t.Errorf("refused %s; want gpl@1.0.0 old@3.0.0 querystring@0.2.1", got)
	}
	if _, err := NPM([]byte(`{"lockfileVersion": 1, "dependencies": {}}`)); err == nil {
		t.Error("lockfileVersion 1 accepted; it has no packages map")
	}
}

func TestParseReport(t *testing.T) {
	libs, err := ParseReport([]byte("cognito-custom-message\tUnknown\tApache-2.0\ngolang.org/x/text\tv0.44.0\tBSD-3-Clause\nexample.com/x\tv1.0.0\tUnknown\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Lib{{"cognito-custom-message", "this repository", "Apache-2.0"}, {"golang.org/x/text", "v0.44.0", "BSD-3-Clause"}, {"example.com/x", "v1.0.0", "Unknown"}}
	if !reflect.DeepEqual(libs, want) {
		t.Errorf("ParseReport = %v; want %v", libs, want)
	}
	if AllowedExpr(libs[2].License) {
		t.Error("a library whose license go-licenses cannot identify is allowed")
	}
	for _, bad := range []string{"", "name only\n", "a\tb\n"} {
		if _, err := ParseReport([]byte(bad)); err == nil {
			t.Errorf("ParseReport(%q) accepted", bad)
		}
	}
}
