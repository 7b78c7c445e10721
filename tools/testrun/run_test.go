package testrun

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runStages runs run.sh with fake go and make commands: go test of a package named in failPkg
// fails, everything else succeeds; each call is logged.
func runStages(t *testing.T, failPkg string) (string, error) {
	t.Helper()
	bin := t.TempDir()
	fake := `#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$FAKE_LOG"
if [ "$1" = test ]; then
	for p in "$@"; do [ "$p" = "$FAIL_PKG" ] && { echo "FAIL	$p	0.1s"; exit 1; }; done
	echo "ok  	$*"
fi
`
	for _, name := range []string{"go", "make"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(fake), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", "run.sh")
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_LOG="+filepath.Join(bin, "log"), "FAIL_PKG="+failPkg,
		"MAKE="+filepath.Join(bin, "make"), "TEST_TAGS=", "UNIT_PKGS=./handler/... ./messages/...", "INFRA_PKGS=./infra/...",
		"GENERATE=yes", "BRANDS_STAMP=build/brands.stamp")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestStagesAllPass(t *testing.T) {
	out, err := runStages(t, "")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"==> make test [1/6] modules", "==> make test [2/6] generate", "==> make test [3/6] lint",
		"==> make test [4/6] unit", "ok  \ttest -count=1 ./handler/... ./messages/...", "<== unit ok in ",
		"==> make test [5/6] infra", "ok  \ttest -count=1 ./infra/...", "==> make test [6/6] checks", "<== checks ok in ",
		"make test: every stage passed in ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

// TestStagesStopAtTheFirstFailure: a failing unit stage fails make test, names the stage, keeps
// go's FAIL line, and the infra stage does not run.
func TestStagesStopAtTheFirstFailure(t *testing.T) {
	out, err := runStages(t, "./messages/...")
	if err == nil {
		t.Fatalf("exit 0; want a failure:\n%s", out)
	}
	for _, want := range []string{"FAIL\t./messages/...", "<== unit FAILED after ", "make test: FAILED in stage unit after "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "infra") {
		t.Errorf("the infra stage ran after unit failed:\n%s", out)
	}
}
