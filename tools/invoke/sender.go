package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cognito-custom-message/internal/e2e"
	"cognito-custom-message/internal/lambdarie"
)

// senderSources are the prefixes of the custom sender's trigger sources.
var senderSources = []string{"CustomEmailSender_", "CustomSMSSender_"}

// senderSample is the shipped sample a SOURCE=CustomEmailSender_… or CustomSMSSender_… event is made
// from (its triggerSource replaced), in a folder of its own so that the CustomMessage goldens, which
// glob events/*.json, never see it.
func senderSample(eventsDir, source string) (string, bool) {
	switch {
	case source == "CustomEmailSender_AccountTakeOverNotification":
		// Its own shape: no code, the sign-in's details in the user attributes.
		return filepath.Join(eventsDir, "sender", "custom-email-sender-account-takeover-en.json"), true
	case strings.HasPrefix(source, "CustomEmailSender_"):
		return filepath.Join(eventsDir, "sender", "custom-email-sender-sign-up-de.json"), true
	case strings.HasPrefix(source, "CustomSMSSender_"):
		return filepath.Join(eventsDir, "sender", "custom-sms-sender-forgot-password-fr.json"), true
	}
	return "", false
}

// isSenderEvent reports whether payload is a custom sender event.
func isSenderEvent(payload []byte) bool {
	var ev struct {
		TriggerSource string `json:"triggerSource"`
	}
	_ = json.Unmarshal(payload, &ev)
	for _, p := range senderSources {
		if strings.HasPrefix(ev.TriggerSource, p) {
			return true
		}
	}
	return false
}

// readSenderSample reads a sender sample with its triggerSource replaced by source.
func readSenderSample(path, source string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return withSource(b, source)
}

// withSource returns the sample with its triggerSource replaced.
func withSource(sample []byte, source string) ([]byte, error) {
	var ev map[string]any
	if err := json.Unmarshal(sample, &ev); err != nil {
		return nil, err
	}
	ev["triggerSource"] = source
	return json.MarshalIndent(ev, "", "  ")
}

// smsRecorder is a recording fake of Amazon SNS Publish for make invoke: no SNS emulator exists on
// this machine's registries, so it speaks the real wire protocol (the Query protocol: a form POST
// with Action=Publish, an XML PublishResponse) and keeps what it was asked to send.
type smsRecorder struct {
	mu   sync.Mutex
	sent []url.Values
	srv  *http.Server
	URL  string
}

func startSMSRecorder() (*smsRecorder, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &smsRecorder{URL: "http://" + l.Addr().String()}
	r.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if err := req.ParseForm(); err != nil || req.PostForm.Get("Action") != "Publish" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>only Publish is recorded</Message></Error></ErrorResponse>`)
			return
		}
		r.mu.Lock()
		r.sent = append(r.sent, req.PostForm)
		n := len(r.sent)
		r.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>invoke-%d</MessageId></PublishResult><ResponseMetadata><RequestId>invoke-%d</RequestId></ResponseMetadata></PublishResponse>`, n, n)
	})}
	go func() { _ = r.srv.Serve(l) }()
	return r, nil
}

func (r *smsRecorder) Sent() []url.Values {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]url.Values(nil), r.sent...)
}

// runSender is make invoke for a custom sender event: it starts local-kms and aws-ses-v2-local (and
// the SNS recorder), encrypts a fresh code the way Cognito does, puts it into request.code, runs the
// sender bootstrap under the emulator and prints what was delivered.
func runSender(c config, eventPath string, payload []byte, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	kms, err := e2e.StartKMS(ctx, nil)
	if err != nil {
		return err
	}
	defer kms.Stop()
	ses, err := e2e.StartSES(ctx, root, nil)
	if err != nil {
		return err
	}
	defer ses.Stop()
	sms, err := startSMSRecorder()
	if err != nil {
		return err
	}
	defer sms.srv.Close()

	n, _ := rand.Int(rand.Reader, big.NewInt(900000))
	code := fmt.Sprint(100000 + n.Int64())
	ct, err := e2e.EncryptCode(ctx, root, kms, code)
	if err != nil {
		return err
	}
	var ev map[string]any
	if err := json.Unmarshal(payload, &ev); err != nil {
		return fmt.Errorf("%s: %w", eventPath, err)
	}
	req, _ := ev["request"].(map[string]any)
	if req == nil {
		return fmt.Errorf("%s: no request object", eventPath)
	}
	// An account-takeover notification has no code (request.code is null, as Cognito sends it):
	// leave it so, the sender must not need one.
	shown := fmt.Sprintf("%q, encrypted under %s", code, kms.KeyArn)
	if c, present := req["code"]; present && c == nil {
		shown = "null: this source has no code"
	} else {
		req["code"] = base64.StdEncoding.EncodeToString(ct)
	}
	payload, _ = json.Marshal(ev)

	rie, err := lambdarie.ToolPath(ctx)
	if err != nil {
		return err
	}
	env := append(e2e.SenderEnv(kms, ses), "AWS_ENDPOINT_URL_SNS="+sms.URL)
	if os.Getenv("EMAIL_FROM") == "" {
		env = append(env, "EMAIL_FROM="+os.Getenv("APP_NAME")+" <no-reply@example.com>")
	}
	emu, err := lambdarie.Start(rie, c.senderBootstrap, env...)
	if err != nil {
		return err
	}
	defer emu.Stop()
	out, invErr := emu.Invoke(ctx, payload)
	time.Sleep(100 * time.Millisecond) // the emulator copies the function's stdout through a pipe
	if c.logs {
		for _, line := range allFunctionLines(emu.Logs()) {
			fmt.Fprintf(stderr, "function log: %s\n", line)
		}
	}
	fmt.Fprintf(stdout, "event:   %s (request.code: %s)\n", eventPath, shown)
	if invErr != nil {
		return fmt.Errorf("the sender failed (in AWS: Lambda retries, then the on-failure destination): %s", bytes.TrimSpace(out))
	}
	mails, err := ses.Emails(ctx)
	if err != nil {
		return err
	}
	for _, m := range mails {
		fmt.Fprintf(stdout, "email to: %s\nfrom:     %s\nreply-to: %s\nsubject:  %s\n", strings.Join(m.Destination.To, ", "), m.From, strings.Join(m.ReplyTo, ", "), m.Subject)
		for _, h := range m.Headers {
			fmt.Fprintf(stdout, "header:   %s: %s\n", h.Name, h.Value)
		}
		if m.Body.Text != "" {
			fmt.Fprintf(stdout, "text part:\n%s\n", indent(m.Body.Text))
		} else {
			fmt.Fprintln(stdout, "text part: (none)")
		}
		if m.Body.HTML != "" {
			base := strings.TrimSuffix(filepath.Base(eventPath), filepath.Ext(eventPath))
			p := filepath.Join(c.outDir, base+".html")
			if err := writeFile(p, []byte(m.Body.HTML)); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "html part: %s\n", p)
		}
	}
	for _, s := range sms.Sent() {
		fmt.Fprintf(stdout, "sms to:   %s\nsms:      %s\n", s.Get("PhoneNumber"), s.Get("Message"))
	}
	if len(mails) == 0 && len(sms.Sent()) == 0 {
		fmt.Fprintf(stdout, "nothing was sent; the reply: %s\n", bytes.TrimSpace(out))
	}
	return nil
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}
