package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cognito-custom-message/messages"
)

var update = flag.Bool("update", false, "rewrite the golden replies in testdata/golden")

// testHandler is the configuration the golden files and samples are pinned with.
func testHandler(t testing.TB, opts ...Option) *Handler {
	t.Helper()
	return New(messages.Compiled(), append([]Option{WithAppName("Example"), WithDefaultLocale("en")}, opts...)...)
}

func sampleEvents(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("../events/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample events: %v", err)
	}
	return files
}

// TestGolden runs every sample event through the same path Lambda uses and compares the reply with
// testdata/golden/<event>.json. `make golden` rewrites them after a deliberate template change.
func TestGolden(t *testing.T) {
	h := testHandler(t)
	forEachSample(t, func(t *testing.T, name string, in []byte) {
		out, err := h.Invoke(context.Background(), in)
		if err != nil {
			t.Fatalf("Invoke returned an error: %v", err)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, out, "", "  "); err != nil {
			t.Fatalf("reply is not JSON: %v\n%s", err, out)
		}
		pretty.WriteByte('\n')
		golden := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run `make golden` to create it)", err)
		}
		if !bytes.Equal(pretty.Bytes(), want) {
			t.Errorf("reply differs from %s (run `make golden` if the change is deliberate)\ngot:\n%s\nwant:\n%s", golden, pretty.Bytes(), want)
		}
	})
}

// forEachSample runs f as a subtest per events/*.json, named after the file, with its content.
func forEachSample(t *testing.T, f func(t *testing.T, name string, event []byte)) {
	t.Helper()
	for _, file := range sampleEvents(t) {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f(t, name, in)
		})
	}
}
