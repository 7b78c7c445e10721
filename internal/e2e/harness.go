// Package e2e runs the product the way users run it, all on loopback: cognito-local (npm) as the
// Cognito user-pool API, which invokes our real bootstrap as its CustomMessage trigger through the
// Lambda Runtime Interface Emulator, driven by the real AWS CLI. A small recording proxy between
// cognito-local and the emulator keeps every trigger request and reply, because cognito-local
// swallows trigger errors and only logs the message it "delivers".
//
// cognito-local calls its configured trigger for every pool, whatever the pool's LambdaConfig
// says. With Options.TriggerArn set, the proxy does what real Cognito does instead: it forwards a
// call only when the pool's LambdaConfig.CustomMessage names that ARN (and the function still
// exists, see DeleteFunction), and otherwise answers as if the pool had no trigger.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"cognito-custom-message/internal/lambdarie"
)

// Options configures a Harness.
type Options struct {
	Root      string   // the repository root (where node_modules and the Go module are)
	Bootstrap string   // a bootstrap built for this machine
	Code      string   // the code cognito-local hands out (its CODE variable)
	Env       []string // extra environment for the function (APP_NAME=…, DEFAULT_LOCALE=…)
	Log       io.Writer
	// TriggerArn, when set, is the function's ARN in pools' LambdaConfig: only pools that name it
	// reach the function (see the package comment).
	TriggerArn string
	// CustomEmailSender, when set, makes the function cognito-local's CustomEmailSender trigger
	// instead of its CustomMessage trigger: cognito-local encrypts each code with the Encryption SDK
	// under this KMS's key (generator: the alias; also the key ID) before invoking the function.
	CustomEmailSender *KMS
}

// Harness is a running cognito-local + recorder + emulator.
type Harness struct {
	Endpoint string // cognito-local's URL, for --endpoint-url
	Code     string

	opts     Options
	emu      *lambdarie.Emulator
	recorder *http.Server
	local    *exec.Cmd
	exited   chan struct{}
	localLog *lambdarie.SyncBuffer
	home     string

	mu          sync.Mutex
	invocations []Invocation
	skipped     int
	deleted     bool
}

// Invocation is one trigger call as the recorder saw it.
type Invocation struct {
	Request json.RawMessage
	Reply   json.RawMessage
	Err     error
}

// Event returns the decoded trigger request.
func (i Invocation) Event() (TriggerEvent, error) {
	var e TriggerEvent
	return e, json.Unmarshal(i.Request, &e)
}

// Response returns the decoded reply's response part.
func (i Invocation) Response() (Response, error) {
	var r struct {
		Response Response `json:"response"`
	}
	return r.Response, json.Unmarshal(i.Reply, &r)
}

// TriggerEvent is the part of a CustomMessage event the tests look at.
type TriggerEvent struct {
	TriggerSource string `json:"triggerSource"`
	UserName      string `json:"userName"`
	CallerContext struct {
		ClientID string `json:"clientId"`
	} `json:"callerContext"`
	Request struct {
		UserAttributes    map[string]any    `json:"userAttributes"`
		CodeParameter     string            `json:"codeParameter"`
		UsernameParameter string            `json:"usernameParameter"`
		ClientMetadata    map[string]string `json:"clientMetadata"`
	} `json:"request"`
}

// Response is a reply's messages; nil means null (Cognito's own template).
type Response struct {
	EmailSubject *string `json:"emailSubject"`
	EmailMessage *string `json:"emailMessage"`
	SMSMessage   *string `json:"smsMessage"`
}

// Start brings everything up; Stop takes it down again, also after a failed Start.
func Start(ctx context.Context, o Options) (h *Harness, err error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	// The deferred Stop uses its own reference: `return nil, err` sets the named result to nil before
	// deferred calls run, which would leave the processes started so far running.
	started := &Harness{opts: o, Code: o.Code, localLog: &lambdarie.SyncBuffer{}, exited: make(chan struct{})}
	h = started
	defer func() {
		if err != nil {
			started.Stop()
			h = nil
		}
	}()
	rie, err := lambdarie.ToolPath(ctx)
	if err != nil {
		return nil, err
	}
	if h.emu, err = lambdarie.Start(rie, o.Bootstrap, o.Env...); err != nil {
		return nil, err
	}
	recorderAddr, err := h.startRecorder()
	if err != nil {
		return nil, err
	}
	if err := h.startCognitoLocal(ctx, recorderAddr); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *Harness) startRecorder() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	h.recorder = &http.Server{Handler: http.HandlerFunc(h.record), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = h.recorder.Serve(l) }()
	return l.Addr().String(), nil
}

// record forwards a Lambda Invoke call to the emulator and keeps both bodies.
func (h *Harness) record(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if h.opts.TriggerArn != "" {
		var ev struct {
			UserPoolID string `json:"userPoolId"`
		}
		_ = json.Unmarshal(body, &ev)
		trigger, err := h.poolTrigger(r.Context(), ev.UserPoolID)
		h.mu.Lock()
		deleted := h.deleted
		switch {
		case err == nil && trigger != h.opts.TriggerArn:
			// Cognito calls no trigger: the event comes back unanswered, and the pool's own
			// template is used.
			h.skipped++
			h.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(unanswered(body))
			return
		case err == nil && deleted:
			// Real Cognito fails the user's request here ("CustomMessage failed with error
			// ResourceNotFoundException"); cognito-local swallows it, so the attempt is recorded.
			h.invocations = append(h.invocations, Invocation{Request: body, Err: errors.New("the function was deleted")})
			h.mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"Type":"User","message":"Function not found: ` + h.opts.TriggerArn + `"}`))
			return
		}
		h.mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	h.mu.Lock()
	emu := h.emu
	h.mu.Unlock()
	reply, err := emu.Invoke(r.Context(), body)
	h.mu.Lock()
	h.invocations = append(h.invocations, Invocation{Request: body, Reply: reply, Err: err})
	h.mu.Unlock()
	if err != nil {
		// What real Lambda says about a function error, so cognito-local treats it as one.
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(reply)
}

// poolTrigger asks cognito-local for a pool's LambdaConfig.CustomMessage.
func (h *Harness) poolTrigger(ctx context.Context, poolID string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.Endpoint, strings.NewReader(`{"UserPoolId":"`+poolID+`"}`))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.DescribeUserPool")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		UserPool struct {
			LambdaConfig struct{ CustomMessage string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("DescribeUserPool %s: status %d: %v", poolID, resp.StatusCode, err)
	}
	return out.UserPool.LambdaConfig.CustomMessage, nil
}

// unanswered is a trigger reply that changes nothing: the event with an empty response.
func unanswered(event []byte) []byte {
	var ev map[string]any
	if json.Unmarshal(event, &ev) != nil {
		return event
	}
	ev["response"] = map[string]any{}
	b, _ := json.Marshal(ev)
	return b
}

// DeleteFunction makes the function gone, as after the stack that deployed it was deleted: a pool
// that still names it gets a Lambda ResourceNotFoundException (TriggerArn mode only).
func (h *Harness) DeleteFunction() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.deleted = true
}

// Skipped reports how many trigger calls Cognito would not have made, because the pool's
// LambdaConfig did not name the function (TriggerArn mode only).
func (h *Harness) Skipped() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.skipped
}

func (h *Harness) startCognitoLocal(ctx context.Context, recorderAddr string) error {
	dir, err := os.MkdirTemp("", "cognito-local-")
	if err != nil {
		return err
	}
	h.home = dir
	config := map[string]any{
		"LambdaClient":     map[string]any{"endpoint": "http://" + recorderAddr},
		"TriggerFunctions": map[string]any{"CustomMessage": "function"},
	}
	if k := h.opts.CustomEmailSender; k != nil {
		config["TriggerFunctions"] = map[string]any{"CustomEmailSender": "function"}
		// The rest of KMSConfig is the options of its aws-sdk v2 KMS client (crypto.js).
		config["KMSConfig"] = map[string]any{
			"KMSKeyId": k.KeyArn, "KMSKeyAlias": k.Alias,
			"endpoint": k.Endpoint, "region": Region,
			"credentials": map[string]any{"accessKeyId": "local", "secretAccessKey": "local"},
		}
	}
	b, _ := json.Marshal(config)
	if err := os.MkdirAll(filepath.Join(dir, ".cognito"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ".cognito", "config.json"), b, 0o644); err != nil {
		return err
	}
	addr, err := lambdarie.FreeAddr()
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(addr)
	h.Endpoint = "http://" + addr
	start := filepath.Join(h.opts.Root, "node_modules", "cognito-local", "lib", "bin", "start.js")
	if _, err := os.Stat(start); err != nil {
		return fmt.Errorf("cognito-local is not installed (run `npm ci`): %w", err)
	}
	h.local = exec.Command("node", start)
	h.local.Dir = dir
	// COLUMNS/LINES keep boxen from wrapping the delivered message it logs. (Its colours are stripped
	// when parsing: pino-pretty is configured to colorize regardless.)
	h.local.Env = append(os.Environ(), "HOST="+host, "PORT="+port, "CODE="+h.Code, "COLUMNS=100000", "LINES=100")
	h.local.Stdout, h.local.Stderr = io.MultiWriter(h.localLog, h.opts.Log), io.MultiWriter(h.localLog, h.opts.Log)
	if err := h.local.Start(); err != nil {
		return fmt.Errorf("start cognito-local: %w", err)
	}
	go func() { _ = h.local.Wait(); close(h.exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(h.localLog.String(), "Cognito Local running on") {
		select {
		case <-h.exited:
			return fmt.Errorf("cognito-local exited:\n%s", h.localLog.String())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cognito-local did not start within 30s:\n%s", h.localLog.String())
		}
	}
	return nil
}

// Stop ends every process the harness started.
func (h *Harness) Stop() {
	if h.local != nil && h.local.Process != nil {
		_ = h.local.Process.Kill()
		<-h.exited
	}
	if h.recorder != nil {
		_ = h.recorder.Close()
	}
	if h.emu != nil {
		h.emu.Stop()
	}
	if h.home != "" {
		_ = os.RemoveAll(h.home)
	}
}

// AWS runs the real AWS CLI against cognito-local with dummy credentials and returns its stdout.
func (h *Harness) AWS(ctx context.Context, args ...string) ([]byte, error) {
	full := append([]string{"--endpoint-url", h.Endpoint, "--output", "json"}, args...)
	cmd := exec.CommandContext(ctx, "aws", full...)
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_PAGER=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	fmt.Fprintf(h.opts.Log, "$ aws %s\n%s%s", strings.Join(args, " "), out, stderr.String())
	if err != nil {
		return out, fmt.Errorf("aws %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// AWSJSON runs the CLI and decodes its output into v (nothing to decode is fine).
func (h *Harness) AWSJSON(ctx context.Context, v any, args ...string) error {
	out, err := h.AWS(ctx, args...)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(out)) == 0 || v == nil {
		return nil
	}
	return json.Unmarshal(out, v)
}

// Invocations returns the trigger calls recorded so far.
func (h *Harness) Invocations() []Invocation {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Invocation(nil), h.invocations...)
}

// Last returns the latest trigger call, or an error if there was none since mark.
func (h *Harness) Last(mark int) (Invocation, error) {
	inv := h.Invocations()
	if len(inv) <= mark {
		return Invocation{}, errors.New("the trigger was not invoked")
	}
	return inv[len(inv)-1], nil
}

// Delivery is one message cognito-local "delivered", parsed from its log.
type Delivery struct {
	Username, Destination, Code string
	EmailSubject, EmailMessage  string
	SMSMessage                  string
}

var (
	ansi      = regexp.MustCompile(`\x1b\[[0-9;]*m`)
	boxLine   = regexp.MustCompile(`^\s*│ ?(.*?)\s*│\s*$`)
	fieldLine = regexp.MustCompile(`^(Username|Destination|Code|Email Subject|Email Message|SMS Message):\s+(.*)$`)
)

// Deliveries parses the "Confirmation Code Delivery" boxes cognito-local logged so far. Field values
// continue on the following box lines until the next field name (the email is multi-line HTML).
func (h *Harness) Deliveries() []Delivery {
	var out []Delivery
	var cur *Delivery
	var field *string
	sc := bufio.NewScanner(strings.NewReader(ansi.ReplaceAllString(h.localLog.String(), "")))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "Confirmation Code Delivery") {
			out = append(out, Delivery{})
			cur, field = &out[len(out)-1], nil
			continue
		}
		if cur == nil {
			continue
		}
		if strings.Contains(line, "╰") {
			cur, field = nil, nil
			continue
		}
		m := boxLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := strings.TrimSpace(m[1]) // boxen pads each line; the HTML's own indentation is lost too
		if f := fieldLine.FindStringSubmatch(text); f != nil {
			field = map[string]*string{
				"Username": &cur.Username, "Destination": &cur.Destination, "Code": &cur.Code,
				"Email Subject": &cur.EmailSubject, "Email Message": &cur.EmailMessage, "SMS Message": &cur.SMSMessage,
			}[f[1]]
			*field = f[2]
			continue
		}
		if field != nil && text != "" {
			*field += "\n" + text
		}
	}
	return out
}

// CognitoLog returns what cognito-local printed so far.
func (h *Harness) CognitoLog() string { return h.localLog.String() }

// FunctionLog returns what the emulator and the function printed so far.
func (h *Harness) FunctionLog() string { return h.emu.Logs() }

// RestartFunction replaces the running function with a new one with env added to Options.Env: the
// way a deployment hands the function settings that exist only once the pool does (BRAND_CLIENTS
// with the IDs of clients created in it). Invocations already recorded stay.
func (h *Harness) RestartFunction(ctx context.Context, env ...string) error {
	rie, err := lambdarie.ToolPath(ctx)
	if err != nil {
		return err
	}
	emu, err := lambdarie.Start(rie, h.opts.Bootstrap, append(append([]string{}, h.opts.Env...), env...)...)
	if err != nil {
		return err
	}
	h.mu.Lock()
	old := h.emu
	h.emu = emu
	h.mu.Unlock()
	old.Stop()
	return nil
}
