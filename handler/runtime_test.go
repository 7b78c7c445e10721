package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"cognito-custom-message/internal/lambdarie"
)

// TestRuntimeInterfaceEmulator runs the real bootstrap under the Lambda Runtime Interface Emulator
// (the go.mod tool) and checks that every sample event comes back as its golden reply: the same
// path Lambda takes, process start, Runtime API and JSON included.
func TestRuntimeInterfaceEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bootstrap := filepath.Join(t.TempDir(), "bootstrap")
	if err := lambdarie.Build(ctx, ".", ".", bootstrap, ""); err != nil {
		t.Fatal(err)
	}
	rie, err := lambdarie.ToolPath(ctx)
	if err != nil {
		t.Fatal(err)
	}
	emu, err := lambdarie.Start(rie, bootstrap, "APP_NAME=Example", "DEFAULT_LOCALE=en")
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Stop()

	files, err := filepath.Glob("../events/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample events: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		in, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := emu.Invoke(ctx, in)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, emu.Logs())
		}
		want, err := os.ReadFile(filepath.Join("..", "trigger", "testdata", "golden", name))
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("%s: reply is not JSON: %s", name, got)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: reply through the emulator differs from the golden file\ngot:  %s\nwant: %s", name, got, want)
		}
	}
	// The function logged one JSON line per invocation, with no personal data in it. (Counted in the
	// whole output: the emulator's own lines and the function's share one stream and may interleave.)
	// The emulator copies the function's stdout through a pipe, so the last line may trail the reply.
	want := len(files)
	logs := emu.Logs()
	for deadline := time.Now().Add(5 * time.Second); strings.Count(logs, `"msg":"custom message"`) < want && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		logs = emu.Logs()
	}
	if n := strings.Count(logs, `"msg":"custom message"`); n != want {
		t.Errorf("%d log lines for %d invocations", n, want)
	}
	if strings.Contains(logs, "@example.") {
		t.Errorf("the function logged an email address:\n%s", logs)
	}
}
