package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// brandsDir writes n minimal brands named by name(i), each claiming the client IDs ids(i) gives.
func brandsDir(t *testing.T, n int, name func(int) string, ids func(int) []string) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		d := filepath.Join(dir, name(i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		cfg := `{"appName":"Brand"}`
		if ids != nil {
			cfg = fmt.Sprintf(`{"appName":"Brand","clientIds":["%s"]}`, strings.Join(ids(i), `","`))
		}
		if err := os.WriteFile(filepath.Join(d, "brand.json"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestEnvironmentSize: a stack whose function environment could exceed Lambda's 4 KB fails at
// synth, with the figure, the limit and the way out — before CloudFormation creates any retained
// app client. The documented capacity (docs/brands.md: 24 brands with 32-character names on a
// stack-created pool) holds.
func TestEnvironmentSize(t *testing.T) {
	long := func(i int) string { return fmt.Sprintf("brand-%02d-%s", i, strings.Repeat("x", 23)) } // 32 characters
	if len(long(0)) != 32 {
		t.Fatalf("name of %d characters", len(long(0)))
	}
	cfg, err := LoadConfig(ctx(map[string]any{KeyBrandsDir: brandsDir(t, 24, long, nil)}))
	if err != nil {
		t.Fatalf("24 brands must fit: %v", err)
	}
	if n := environmentSize(cfg); n > MaxEnvironmentBytes || n < 24*(MaxClientIDLength+32+2) {
		t.Errorf("environment of 24 brands counted as %d bytes", n)
	}

	_, err = LoadConfig(ctx(map[string]any{KeyBrandsDir: brandsDir(t, 30, long, nil)}))
	for _, want := range []string{"bytes; Lambda allows 4096", "maps 30 brand clients", "128 characters", "clientIds", "docs/brands.md"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("30 brands: error lacks %q: %v", want, err)
		}
	}

	// -c brandClients counts too, at its real length.
	pairs := make([]string, 0, 40)
	for i := range 40 {
		pairs = append(pairs, fmt.Sprintf(`"%s":"brand-00-%s"`, strings.Repeat(fmt.Sprint(i%10), 100), strings.Repeat("x", 23)))
	}
	_, err = LoadConfig(ctx(map[string]any{KeyBrandsDir: brandsDir(t, 1, long, nil), KeyBrandClients: "{" + strings.Join(pairs[:10], ",") + "}"}))
	if err != nil {
		t.Errorf("one brand and 10 mapped clients must fit: %v", err)
	}

	// An existing pool's clients exist: brand.json's clientIds are compiled in, not in the
	// environment, so far more brands fit.
	ids := func(i int) []string { return []string{fmt.Sprintf("%026d", i)} }
	if _, err := LoadConfig(ctx(map[string]any{KeyBrandsDir: brandsDir(t, 60, long, ids), KeyUserPoolID: "eu-west-1_AbCdEf123"})); err != nil {
		t.Errorf("60 brands mapped in brand.json on an existing pool: %v", err)
	}
}

// TestSenderEnvironmentSize: in customSender mode the sender's environment (the trigger's, plus
// KMS_KEY_ARN at its longest and the sender's addresses), or the failure recorder's if larger, is
// what must fit.
func TestSenderEnvironmentSize(t *testing.T) {
	long := func(i int) string { return fmt.Sprintf("brand-%02d-%s", i, strings.Repeat("x", 23)) }
	dir := brandsDir(t, 1, long, nil)
	sender := map[string]any{KeyBrandsDir: dir, KeyDelivery: DeliveryCustomSender, KeySESFromEmail: "no-reply@acme.example", KeySMSSenderID: "Acme"}
	trigger, err := LoadConfig(ctx(map[string]any{KeyBrandsDir: dir, KeySESFromEmail: "no-reply@acme.example"}))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(ctx(sender))
	if err != nil {
		t.Fatal(err)
	}
	extra := len(`,"KMS_KEY_ARN":""`) + maxKeyArnLength + len(`,"EMAIL_FROM":"no-reply@acme.example"`) + len(`,"SMS_SENDER_ID":"Acme"`)
	// The failure recorder's (TestRecorderEnvironmentSize) is counted when it is the larger.
	extra = max(extra, len(`,"SENDER_MODE":"failureRecorder"`)+len(`,"FAILURE_QUEUE_URL":""`)+maxQueueURLLength)
	if d := environmentSize(cfg) - environmentSize(trigger); d != extra {
		t.Errorf("the sender's environment is %d bytes larger than the trigger's; want %d", d, extra)
	}
	// 24 brands fit the trigger (TestEnvironmentSize) but not the sender.
	sender[KeyBrandsDir] = brandsDir(t, 24, long, nil)
	if _, err := LoadConfig(ctx(sender)); err == nil || !strings.Contains(err.Error(), "bytes; Lambda allows 4096") {
		t.Errorf("24 brands in customSender mode: err = %v; want the size refused", err)
	}
}

// TestRecorderEnvironmentSize: the failure recorder carries the trigger's variables, SENDER_MODE
// and FAILURE_QUEUE_URL at its longest; without sender addresses its environment is the larger of
// the two, and it is the one counted.
func TestRecorderEnvironmentSize(t *testing.T) {
	trigger, err := LoadConfig(ctx(nil))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(ctx(map[string]any{KeyDelivery: DeliveryCustomSender}))
	if err != nil {
		t.Fatal(err)
	}
	recorder := len(`,"SENDER_MODE":"failureRecorder"`) + len(`,"FAILURE_QUEUE_URL":""`) + maxQueueURLLength
	if sender := len(`,"KMS_KEY_ARN":""`) + maxKeyArnLength; recorder <= sender {
		t.Fatalf("the recorder's extra %d bytes are not above the sender's %d: the test would prove nothing", recorder, sender)
	}
	if d := environmentSize(cfg) - environmentSize(trigger); d != recorder {
		t.Errorf("customSender mode counts %d bytes over the trigger's environment; want the recorder's %d", d, recorder)
	}
}
