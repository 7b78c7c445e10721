package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenText renders every sample event with WithPlainText, as the custom sender does, and
// compares Outcome.EmailText with testdata/golden-text/<event>.txt (no file: the event falls back, so
// there is no text). The CustomMessage reply must be the same byte for byte with and without the
// option: Cognito's reply has no place for a text part. `make golden` rewrites them.
func TestGoldenText(t *testing.T) {
	plain, withText := testHandler(t), testHandler(t, WithPlainText())
	forEachSample(t, func(t *testing.T, name string, in []byte) {
		a, _ := plain.Invoke(context.Background(), in)
		b, _ := withText.Invoke(context.Background(), in)
		if !bytes.Equal(a, b) {
			t.Errorf("WithPlainText changed the reply\ngot:  %s\nwant: %s", b, a)
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(in, &top); err != nil {
			t.Skip("not a JSON object: TestGolden covers it")
		}
		ev, _ := decodeEvent(top)
		o := withText.Handle(context.Background(), &ev)
		if p := plain.Handle(context.Background(), &ev); p.EmailText != "" {
			t.Errorf("without WithPlainText, EmailText = %q; want none", p.EmailText)
		}
		golden := filepath.Join("testdata", "golden-text", strings.TrimSuffix(name, ".json")+".txt")
		got := o.EmailText
		if got != "" {
			got += "\n"
		}
		if *update {
			if got == "" {
				os.Remove(golden)
				return
			}
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(golden)
		if err != nil && !os.IsNotExist(err) || err != nil && got != "" {
			t.Fatalf("%v (run `make golden` to create it)", err)
		}
		if got != string(want) {
			t.Errorf("plain text differs from %s (run `make golden` if the change is deliberate)\ngot:\n%s\nwant:\n%s", golden, got, want)
		}
		if o.Response.EmailMessage != nil && !strings.Contains(got, "{####}") {
			t.Errorf("the text part has no code placeholder:\n%s", got)
		}
	})
}
