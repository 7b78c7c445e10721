package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

const exampleBrands = "../examples/brands"

// TestBrandsStack: with brands, a stack-created pool gets one app client per brand (named after it),
// the function learns their IDs on the first deploy (BRAND_CLIENTS), and the template has no
// dependency cycle — the pool calls the function by its fixed name. (assertions.Template_FromStack
// refuses a cyclic template: wiring the trigger by reference here makes synth fail with
// "Function -> UserPoolBrandClientacme -> UserPool -> Function".)
func TestBrandsStack(t *testing.T) {
	stack, tpl := synth(t, map[string]any{
		KeyBrandsDir:              exampleBrands,
		KeyBrandClients:           `{"3m4pp3dw3bcl13nt0000000000":"northwind"}`,
		KeyAllowBrandFromMetadata: "true",
	})
	expectNagClean(t, stack)
	raw := tpl.ToJSON()
	js, _ := json.Marshal(raw)
	var template struct {
		Resources map[string]struct {
			Type       string
			Properties map[string]any
			DependsOn  any
		}
	}
	if err := json.Unmarshal(js, &template); err != nil {
		t.Fatal(err)
	}

	clients := map[string]string{} // client name -> logical ID
	for id, r := range template.Resources {
		if r.Type == "AWS::Cognito::UserPoolClient" {
			name, _ := r.Properties["ClientName"].(string)
			clients[name] = id
			flows := fmt.Sprint(r.Properties["ExplicitAuthFlows"])
			if strings.Contains(flows, "USER_PASSWORD_AUTH") || !strings.Contains(flows, "ALLOW_USER_SRP_AUTH") {
				t.Errorf("client %q flows %s; want SRP only like the default client", name, flows)
			}
		}
	}
	for _, b := range []string{"acme", "northwind"} {
		if clients[b] == "" {
			t.Errorf("no app client named %q (have %v)", b, clients)
		}
	}

	fn := triggerFunction(t, tpl)
	if fn["FunctionName"] != FunctionNameFor("CognitoCustomMessage-dev") {
		t.Errorf("FunctionName %v; want the fixed %s", fn["FunctionName"], FunctionNameFor("CognitoCustomMessage-dev"))
	}
	env := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
	pairs, _ := json.Marshal(env["BRAND_CLIENTS"])
	for _, want := range []string{"3m4pp3dw3bcl13nt0000000000=northwind", clients["acme"], clients["northwind"], "=acme", "=northwind"} {
		if !strings.Contains(string(pairs), want) {
			t.Errorf("BRAND_CLIENTS %s lacks %s", pairs, want)
		}
	}
	if env["ALLOW_BRAND_FROM_METADATA"] != "true" {
		t.Errorf("ALLOW_BRAND_FROM_METADATA = %v", env["ALLOW_BRAND_FROM_METADATA"])
	}

	expect(t, "brand fallback metric and alarm", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Logs::MetricFilter"), map[string]any{
			"FilterPattern": `{ $.fallback = "default_brand" }`,
		})
		tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
			"MetricName": "DefaultBrandFallbacks", "Threshold": 1,
		})
	})
	_, pool := only(t, tpl, "AWS::Cognito::UserPool")
	trigger, _ := json.Marshal(pool["LambdaConfig"].(map[string]any)["CustomMessage"])
	if !strings.Contains(string(trigger), "Fn::Sub") || !strings.Contains(string(trigger), ":function:"+FunctionNameFor("CognitoCustomMessage-dev")) {
		t.Errorf("pool trigger %s; want the ARN built from the fixed name", trigger)
	}
	perm := false
	for _, r := range template.Resources {
		if r.Type == "AWS::Lambda::Permission" && r.Properties["Principal"] == "cognito-idp.amazonaws.com" {
			src, _ := json.Marshal(r.Properties["SourceArn"])
			perm = perm || strings.Contains(string(src), "UserPool")
		}
	}
	if !perm {
		t.Error("no invoke permission for Cognito scoped to the pool")
	}
}

// TestNoBrands: without brands, one client, no BRAND_CLIENTS — and the same wiring by name, so that
// adding brands later changes only the function's environment.
func TestNoBrands(t *testing.T) {
	_, tpl := synth(t, map[string]any{KeyBrandsDir: t.TempDir()}) // a folder without brands
	if n := len(resources(tpl, "AWS::Cognito::UserPoolClient")); n != 1 {
		t.Errorf("%d app clients; want 1", n)
	}
	fn := triggerFunction(t, tpl)
	if fn["FunctionName"] != FunctionNameFor("CognitoCustomMessage-dev") {
		t.Errorf("FunctionName %v", fn["FunctionName"])
	}
	if _, ok := fn["Environment"].(map[string]any)["Variables"].(map[string]any)["BRAND_CLIENTS"]; ok {
		t.Error("BRAND_CLIENTS without brands")
	}
}

func TestFunctionNameFor(t *testing.T) {
	long := strings.Repeat("A", 60)
	for _, c := range []struct{ stack, want string }{
		{"CognitoCustomMessage-dev", "CognitoCustomMessage-dev-CustomMessage"},
		{strings.Repeat("S", 50), strings.Repeat("S", 50) + "-CustomMessage"},
	} {
		if got := FunctionNameFor(c.stack); got != c.want {
			t.Errorf("FunctionNameFor(%q) = %q; want %q", c.stack, got, c.want)
		}
	}
	a, b := FunctionNameFor(long+"-one"), FunctionNameFor(long+"-two")
	if len(a) > 64 || len(b) > 64 || a == b || !strings.HasSuffix(a, "-CustomMessage") {
		t.Errorf("long stack names: %q and %q", a, b)
	}
}

func TestBrandsExistingPool(t *testing.T) {
	_, tpl := synth(t, map[string]any{KeyBrandsDir: exampleBrands, KeyUserPoolID: "eu-central-1_AbCdEf123"})
	if n := len(resources(tpl, "AWS::Cognito::UserPoolClient")); n != 0 {
		t.Errorf("%d app clients on an existing pool; want none", n)
	}
	env := triggerFunction(t, tpl)["Environment"].(map[string]any)["Variables"].(map[string]any)
	// brand.json's client IDs are compiled in; BRAND_CLIENTS holds only -c brandClients (none here).
	if v, ok := env["BRAND_CLIENTS"]; ok && v != nil {
		t.Errorf("BRAND_CLIENTS = %v; want none", v)
	}
}

func TestBrandsConfigErrors(t *testing.T) {
	bad := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bad, "Bad_Name"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(bad, "Bad_Name", "brand.json"), []byte(`{"appName":"X","logoUrl":"http://x.example/l.png","accentColor":"red","locales":["xx"],"colour":1}`), 0o644)
	cases := []struct {
		name string
		ctx  map[string]any
		want []string
	}{
		{"broken brand", map[string]any{KeyBrandsDir: bad}, []string{"Bad_Name/brand.json", `unknown field "colour"`}},
		{"mapping to no brand", map[string]any{KeyBrandsDir: exampleBrands, KeyBrandClients: `{"abc":"nope"}`}, []string{`client abc maps to "nope"`}},
		{"mapping not JSON", map[string]any{KeyBrandsDir: exampleBrands, KeyBrandClients: `abc=acme`}, []string{KeyBrandClients + ": want a JSON object"}},
		{"bad client ID", map[string]any{KeyBrandsDir: exampleBrands, KeyBrandClients: `{"a b":"acme"}`}, []string{`"a b" is not an app client ID`}},
		{"client claimed by brand.json", map[string]any{KeyBrandsDir: exampleBrands, KeyBrandClients: `{"5ac3m8e1cl0ud7w3b4pp1d9x2k":"northwind"}`}, []string{`gives it to "acme"`}},
		{"metadata without brands", map[string]any{KeyBrandsDir: t.TempDir(), KeyAllowBrandFromMetadata: true}, []string{KeyAllowBrandFromMetadata + " is set"}},
		{"named folder missing", map[string]any{KeyBrandsDir: filepath.Join(bad, "exmaples")}, []string{KeyBrandsDir, "is not a folder"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadConfig(ctx(c.ctx))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	// Each of brand.json's problems is named.
	os.WriteFile(filepath.Join(bad, "Bad_Name", "brand.json"), []byte(`{"appName":"X","logoUrl":"http://x.example/l.png","accentColor":"red","locales":["xx"]}`), 0o644)
	_, err := LoadConfig(ctx(map[string]any{KeyBrandsDir: bad}))
	for _, w := range []string{`folder name "Bad_Name"`, "logoUrl", "https only", "accentColor", `locales[0]: "xx"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
}

func TestBrandsDirFromEnvironmentMustExist(t *testing.T) {
	t.Setenv("BRANDS_DIR", filepath.Join(t.TempDir(), "typo"))
	if _, err := LoadConfig(ctx(nil)); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("a BRANDS_DIR that is not there: %v", err)
	}
	t.Setenv("BRANDS_DIR", "")
	if _, err := LoadConfig(ctx(nil)); err != nil {
		t.Errorf("the default brands/ may be missing: %v", err)
	}
}

// TestBuiltBrandsMustMatch: the function must have been built with the brands the stack maps.
func TestBuiltBrandsMustMatch(t *testing.T) {
	dir := t.TempDir()
	asset := filepath.Join(dir, "lambda")
	os.MkdirAll(asset, 0o755)
	os.WriteFile(filepath.Join(dir, "brands.stamp"), []byte(`{"brands":[]}`), 0o644)
	_, err := LoadConfig(ctx(map[string]any{KeyBrandsDir: exampleBrands, KeyAssetDir: asset}))
	if err == nil || !strings.Contains(err.Error(), "was built with []") || !strings.Contains(err.Error(), "make deploy BRANDS_DIR=") {
		t.Errorf("want the stale-build error, got %v", err)
	}
	// Built from the same folder: fine.
	brands, _ := (&Config{}).brandsFor(exampleBrands)
	m, _ := brandDigest(brands)
	b, _ := json.Marshal(m)
	os.WriteFile(filepath.Join(dir, "brands.stamp"), b, 0o644)
	if _, err := LoadConfig(ctx(map[string]any{KeyBrandsDir: exampleBrands, KeyAssetDir: asset})); err != nil {
		t.Errorf("matching build refused: %v", err)
	}
}

// TestSynthFailsOnBrokenBrand: synth lints the configured brands; an error fails it, naming the file.
func TestSynthFailsOnBrokenBrand(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "acme", "en"), 0o755)
	os.WriteFile(filepath.Join(dir, "acme", "brand.json"), []byte(`{"appName":"Acme"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "acme", "en", "SignUp.sms.txt"), []byte("Welcome to {{.AppName}}!\n"), 0o644)
	cfg, err := LoadConfig(ctx(map[string]any{KeyBrandsDir: dir}))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err = checkBrands(cfg.Brands, &out)
	if err == nil || !strings.Contains(out.String(), filepath.Join(dir, "acme")+"/en/SignUp.sms.txt") || !strings.Contains(out.String(), "code placeholder missing") {
		t.Errorf("err %v, output:\n%s", err, out.String())
	}
	cfg, err = LoadConfig(ctx(map[string]any{KeyBrandsDir: exampleBrands}))
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := checkBrands(cfg.Brands, &out); err != nil {
		t.Errorf("example brands: %v\n%s", err, out.String())
	}
}

// triggerFunction is the CustomMessage function's properties (the stack has provider functions too).
func triggerFunction(t *testing.T, tpl assertions.Template) map[string]any {
	t.Helper()
	var found []map[string]any
	for _, r := range resources(tpl, "AWS::Lambda::Function") {
		p := r["Properties"].(map[string]any)
		if env, ok := p["Environment"].(map[string]any); ok && env["Variables"].(map[string]any)["APP_NAME"] != nil {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d functions with APP_NAME; want the one trigger", len(found))
	}
	return found[0]
}
