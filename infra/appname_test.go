package main

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestPlaceholderAppNameWarning: synth and deploy keep going with the placeholder product name, but
// say so, since a real deployment would mail "My App" to its users.
func TestPlaceholderAppNameWarning(t *testing.T) {
	t.Setenv("BRANDS_DIR", "")
	var cdkJSON struct {
		Context map[string]any `json:"context"`
	}
	raw, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &cdkJSON); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		ctx  map[string]any
		warn bool
	}{
		{"no appName at all", nil, true},
		{"cdk.json as shipped", cdkJSON.Context, true},
		{"-c appName=Acme", map[string]any{KeyAppName: "Acme"}, false},
		{"a name that contains the placeholder", map[string]any{KeyAppName: "My App Pro"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := LoadConfig(ctx(tc.ctx))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			printWarnings(cfg, &out)
			got := strings.Contains(out.String(), `appName is the placeholder "My App"`) &&
				strings.Contains(out.String(), "-c appName=")
			if got != tc.warn {
				t.Errorf("warning printed: %v; want %v; output %q", got, tc.warn, out.String())
			}
			if !tc.warn && out.Len() != 0 {
				t.Errorf("output %q; want none", out.String())
			}
		})
	}
}

// TestOneDefaultAppName: the Makefile, cdk.json and infra's default name the same product, so
// `make invoke`, `make synth` and a bare `cdk deploy` show one name (and warn about it).
func TestOneDefaultAppName(t *testing.T) {
	raw, err := os.ReadFile("../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var cdkJSON struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &cdkJSON); err != nil {
		t.Fatal(err)
	}
	if got := cdkJSON.Context[KeyAppName]; got != PlaceholderAppName {
		t.Errorf("cdk.json appName %q; want %q", got, PlaceholderAppName)
	}
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^APP_NAME \?= (.*)$`).FindSubmatch(mk)
	if m == nil || strings.TrimSpace(string(m[1])) != PlaceholderAppName {
		t.Errorf("Makefile APP_NAME default %q; want %q", m, PlaceholderAppName)
	}
}
