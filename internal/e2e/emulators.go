package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cognito-custom-message/internal/lambdarie"
)

// Region is the one region every emulator and client of the sender tests agrees on: local-kms puts
// it into its key ARNs, and a KMS keyring that is strict to an ARN talks to that ARN's region.
const Region = "us-east-1"

// Account is local-kms's account ID, the one in its ARNs.
const Account = "111122223333"

// process is one emulator child process with its output kept.
type process struct {
	cmd    *exec.Cmd
	exited chan struct{}
	log    *lambdarie.SyncBuffer
}

// startProcess runs cmd and waits until addr accepts TCP connections.
func startProcess(ctx context.Context, cmd *exec.Cmd, addr string, log io.Writer) (*process, error) {
	p := &process{cmd: cmd, exited: make(chan struct{}), log: &lambdarie.SyncBuffer{}}
	if log == nil {
		log = io.Discard
	}
	cmd.Stdout, cmd.Stderr = io.MultiWriter(p.log, log), io.MultiWriter(p.log, log)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	if err := lambdarie.WaitListening(ctx, addr, p.exited, 30*time.Second); err != nil {
		p.stop()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s %v (%s):\n%s", cmd.Path, err, addr, p.log.String())
	}
	return p, nil
}

func (p *process) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// KMS is a running local-kms (github.com/nsmithuk/local-kms, pinned as a go tool) seeded with one
// symmetric key and an alias for it.
type KMS struct {
	Endpoint string // http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_KMS and cognito-local's KMSConfig
	KeyID    string
	KeyArn   string // what KMS_KEY_ARN names
	Alias    string // alias/…: cognito-local's KMSKeyAlias (its ESDK generator key)

	proc *process
	dir  string
}

// StartKMS starts local-kms on a free port with a fresh key (random ID and key material, so runs
// never share ciphertext) and its alias, both created by local-kms's seeding file at startup.
func StartKMS(ctx context.Context, log io.Writer) (k *KMS, err error) {
	out, err := exec.CommandContext(ctx, "go", "tool", "-n", "local-kms").Output()
	if err != nil {
		return nil, fmt.Errorf("go tool -n local-kms: %w", err)
	}
	bin := strings.TrimSpace(string(out))
	dir, err := os.MkdirTemp("", "local-kms-")
	if err != nil {
		return nil, err
	}
	k = &KMS{dir: dir, Alias: "alias/cognito-custom-sender"}
	defer func() {
		if err != nil {
			k.Stop()
			k = nil
		}
	}()
	id, material := make([]byte, 16), make([]byte, 32)
	_, _ = rand.Read(id)
	_, _ = rand.Read(material)
	id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80 // a version 4 UUID, as KMS key IDs are
	h := hex.EncodeToString(id)
	k.KeyID = h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	k.KeyArn = "arn:aws:kms:" + Region + ":" + Account + ":key/" + k.KeyID
	seed := fmt.Sprintf("Keys:\n  Symmetric:\n    Aes:\n      - Metadata:\n          KeyId: %s\n        BackingKeys:\n          - %s\nAliases:\n  - AliasName: %s\n    TargetKeyId: %s\n",
		k.KeyID, hex.EncodeToString(material), k.Alias, k.KeyID)
	if err := os.WriteFile(filepath.Join(dir, "seed.yaml"), []byte(seed), 0o600); err != nil {
		return nil, err
	}
	addr, err := lambdarie.FreeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	k.Endpoint = "http://" + addr
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+port, "KMS_ACCOUNT_ID="+Account, "KMS_REGION="+Region,
		"KMS_SEED_PATH="+filepath.Join(dir, "seed.yaml"), "KMS_DATA_PATH="+filepath.Join(dir, "data"))
	if k.proc, err = startProcess(ctx, cmd, addr, log); err != nil {
		return nil, err
	}
	return k, nil
}

// Log returns what local-kms printed so far.
func (k *KMS) Log() string { return k.proc.log.String() }

// Stop ends local-kms and removes its data.
func (k *KMS) Stop() {
	if k == nil {
		return
	}
	k.proc.stop()
	if k.dir != "" {
		_ = os.RemoveAll(k.dir)
	}
}

// SES is a running aws-ses-v2-local (npm, pinned in package.json) that can be stopped and started
// again on the same address, to make sends fail and succeed at will.
type SES struct {
	Endpoint string // http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_SESV2

	root, addr string
	log        io.Writer
	mu         sync.Mutex
	proc       *process
}

// StartSES starts aws-ses-v2-local from root's node_modules on a free port.
func StartSES(ctx context.Context, root string, log io.Writer) (*SES, error) {
	addr, err := lambdarie.FreeAddr()
	if err != nil {
		return nil, err
	}
	s := &SES{Endpoint: "http://" + addr, root: root, addr: addr, log: log}
	if err := s.Start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Start starts the emulator again (after Stop) on the same address, with an empty store.
func (s *SES) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return nil
	}
	cli := filepath.Join(s.root, "node_modules", "aws-ses-v2-local", "dist", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf("aws-ses-v2-local is not installed (run `npm ci`): %w", err)
	}
	host, port, _ := net.SplitHostPort(s.addr)
	p, err := startProcess(ctx, exec.Command("node", cli, "--host", host, "--port", port), s.addr, s.log)
	if err != nil {
		return err
	}
	s.proc = p
	return nil
}

// Stop ends the emulator: sends fail with a connection error until Start.
func (s *SES) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.proc.stop()
	s.proc = nil
}

// Email is one message in the emulator's store (GET /store).
type Email struct {
	MessageID   string   `json:"messageId"`
	From        string   `json:"from"`
	ReplyTo     []string `json:"replyTo"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		HTML string `json:"html"`
		Text string `json:"text"`
	} `json:"body"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	At int64 `json:"at"`
}

// Emails returns what the emulator received since it last started.
func (s *SES) Emails(ctx context.Context) ([]Email, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/store", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the SES store: %w", err)
	}
	defer resp.Body.Close()
	var store struct {
		Emails []Email `json:"emails"`
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read the SES store: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		return nil, fmt.Errorf("decode the SES store: %w", err)
	}
	return store.Emails, nil
}

// Clear empties the store (POST /clear-store).
func (s *SES) Clear(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Endpoint+"/clear-store", bytes.NewReader(nil))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New("clear the SES store: " + resp.Status)
	}
	return nil
}

// SenderEnv is the environment that points a sender at these emulators through the AWS SDK's
// standard variables only, with dummy credentials (the emulators accept any).
func SenderEnv(k *KMS, s *SES) []string {
	return []string{
		"AWS_REGION=" + Region, "AWS_DEFAULT_REGION=" + Region,
		"AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local", "AWS_SESSION_TOKEN=",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_ENDPOINT_URL_KMS=" + k.Endpoint, "AWS_ENDPOINT_URL_SESV2=" + s.Endpoint,
		"KMS_KEY_ARN=" + k.KeyArn,
	}
}
