// Package lambdarie starts a Lambda bootstrap under the AWS Lambda Runtime Interface Emulator and
// invokes it over HTTP, the way the tests, `make invoke` and the end-to-end run use the function.
package lambdarie

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Emulator is a running aws-lambda-rie process with one bootstrap behind it.
type Emulator struct {
	// URL is the invoke endpoint (the function name is literally "function").
	URL string
	// Addr is the emulator's host:port on loopback.
	Addr string

	cmd    *exec.Cmd
	exited chan struct{}
	logs   *SyncBuffer
}

// ToolPath returns the path of the aws-lambda-rie binary pinned in go.mod, building it if needed.
func ToolPath(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "tool", "-n", "aws-lambda-rie").Output()
	if err != nil {
		return "", fmt.Errorf("go tool -n aws-lambda-rie: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Start runs rie with bootstrap on free loopback ports (both the invoke endpoint and the Runtime API,
// so several emulators can run at once) and waits until it accepts connections. env is added to the
// current environment; the emulator passes it on to the bootstrap.
func Start(rie, bootstrap string, env ...string) (*Emulator, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	runtimeAPI, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	e := &Emulator{
		Addr:   addr,
		URL:    "http://" + addr + "/2015-03-31/functions/function/invocations",
		exited: make(chan struct{}),
		logs:   &SyncBuffer{},
	}
	e.cmd = exec.Command(rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", runtimeAPI, bootstrap)
	e.cmd.Env = append(os.Environ(), env...)
	e.cmd.Stdout, e.cmd.Stderr = e.logs, e.logs
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", rie, err)
	}
	go func() { _ = e.cmd.Wait(); close(e.exited) }()

	if err := WaitListening(context.Background(), addr, e.exited, 20*time.Second); err != nil {
		if !errors.Is(err, ErrExited) {
			e.Stop()
		}
		return nil, fmt.Errorf("emulator %v:\n%s", err, e.Logs())
	}
	return e, nil
}

// ErrExited is WaitListening's answer when the process ended before it listened.
var ErrExited = errors.New("exited before listening")

// WaitListening polls addr until it accepts TCP connections. It gives up with ErrExited when exited
// is closed (the process ended), with ctx's error when ctx ends, and after timeout. The emulator and
// the e2e harness's other emulators (local-kms, the SES emulator) start this way.
func WaitListening(ctx context.Context, addr string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-exited:
			return ErrExited
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("did not listen on %s within %v", addr, timeout)
		}
	}
}

// Invoke posts payload to the function and returns its reply. A handler error, which the emulator
// reports as HTTP 200 with an errorType body, is returned as an error.
func (e *Emulator) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("invoke: HTTP %d: %s", resp.StatusCode, out)
	}
	if bytes.HasPrefix(bytes.TrimSpace(out), []byte(`{"errorMessage"`)) || bytes.Contains(out, []byte(`"errorType"`)) {
		return out, errors.New("invoke: function error: " + string(out))
	}
	return out, nil
}

// Logs returns what the emulator and the function wrote so far.
func (e *Emulator) Logs() string { return e.logs.String() }

// Stop ends the emulator and its runtime process.
func (e *Emulator) Stop() {
	if e.cmd.Process != nil {
		_ = e.cmd.Process.Kill()
	}
	<-e.exited
}

// FreeAddr returns a loopback address whose port nobody listens on right now.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// SyncBuffer is a bytes.Buffer that several goroutines may write to, as a process's stdout and
// stderr copiers do, while another reads it.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Build compiles a Lambda bootstrap the way `make build` does (CGO off, -tags lambda.norpc,
// -trimpath, stripped) from package pkg, resolved in dir, for goarch ("" = this machine's), into out.
func Build(ctx context.Context, dir, pkg, out, goarch string) error {
	tags := "lambda.norpc"
	if extra := os.Getenv("LAMBDA_TAGS"); extra != "" {
		tags += "," + extra // "brands" when `make` compiles a brands folder in
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", tags, "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if goarch != "" {
		cmd.Env = append(cmd.Env, "GOOS=linux", "GOARCH="+goarch)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}
