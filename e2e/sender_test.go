//go:build e2e

package e2e_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cognito-custom-message/internal/e2e"
	"cognito-custom-message/internal/lambdarie"
	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

const senderFrom = "Example <no-reply@example.com>"

type senderEnv struct {
	*env
	kms  *e2e.KMS
	ses  *e2e.SES
	code string
	log  *lambdarie.SyncBuffer
	// bootstrap is the built ./sender, which the failure path runs again as the recorder.
	bootstrap string
}

// setupSender runs the custom sender (./sender) as cognito-local's CustomEmailSender: cognito-local
// encrypts each code with the Encryption SDK under local-kms's key, the sender decrypts it through
// the same local-kms and sends through aws-ses-v2-local. The code is random per run, so that a code
// found in a mail can only come from this cognito-local.
func setupSender(t *testing.T) *senderEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	log := &lambdarie.SyncBuffer{}
	k, err := e2e.StartKMS(ctx, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Stop)
	s, err := e2e.StartSES(ctx, root, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	n, _ := rand.Int(rand.Reader, big.NewInt(900000))
	code := fmt.Sprint(100000 + n.Int64())
	bootstrap := filepath.Join(t.TempDir(), "bootstrap")
	if err := lambdarie.Build(ctx, root, "./sender", bootstrap, ""); err != nil {
		t.Fatal(err)
	}
	opts := e2e.Options{
		Root: root, Bootstrap: bootstrap, Code: code, Log: log, CustomEmailSender: k,
		Env: append(e2e.SenderEnv(k, s), "APP_NAME="+appName, "DEFAULT_LOCALE=en", "EMAIL_FROM="+senderFrom),
	}
	e := start(t, ctx, opts, log, "e2e-sender")
	return &senderEnv{env: e, kms: k, ses: s, code: code, log: log, bootstrap: bootstrap}
}

// signUp runs the real CLI's sign-up with a name (attacker text: the recipient is not proven) and
// clientMetadata locale=de, and returns the one trigger invocation it caused.
func (e *senderEnv) signUp(email string) e2e.Invocation {
	e.t.Helper()
	mark := len(e.h.Invocations())
	e.aws(nil, "cognito-idp", "sign-up", "--client-id", e.client, "--username", email, "--password", password,
		"--user-attributes", "Name=email,Value="+email, "Name=name,Value=Visit evil.example now",
		"--client-metadata", "locale=de")
	inv := e.h.Invocations()
	if len(inv) != mark+1 {
		e.t.Fatalf("%d CustomEmailSender invocations for sign-up; want 1", len(inv)-mark)
	}
	return inv[mark]
}

func mustAddress(t *testing.T, s string) *mail.Address {
	t.Helper()
	a, err := mail.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// TestSenderSignUpEndToEnd: AWS CLI sign-up → cognito-local encrypts its code under local-kms →
// our sender under the RIE decrypts it and sends a multipart mail to aws-ses-v2-local. The store
// holds the German subject, the default From, the code cognito-local generated (proven by
// confirming the sign-up with the code read from the mail) and not the name.
func TestSenderSignUpEndToEnd(t *testing.T) {
	e := setupSender(t)
	const email = "jonas.becker@example.com"
	inv := e.signUp(email)
	if inv.Err != nil {
		t.Fatalf("the sender failed: %v", inv.Err)
	}
	var ev struct {
		TriggerSource string `json:"triggerSource"`
		Request       struct {
			Type string `json:"type"`
			Code string `json:"code"`
		} `json:"request"`
	}
	if err := json.Unmarshal(inv.Request, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.TriggerSource != "CustomEmailSender_SignUp" || ev.Request.Type != "customEmailSenderRequestV1" {
		t.Fatalf("event %s / %s; want CustomEmailSender_SignUp / customEmailSenderRequestV1", ev.TriggerSource, ev.Request.Type)
	}
	if ev.Request.Code == "" || strings.Contains(ev.Request.Code, e.code) {
		t.Fatalf("request.code %q is not an encrypted code", ev.Request.Code)
	}
	mails, err := e.ses.Emails(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 1 {
		t.Fatalf("the SES emulator has %d mails; want 1", len(mails))
	}
	m := mails[0]
	if len(m.Destination.To) != 1 || m.Destination.To[0] != email {
		t.Errorf("To = %v; want [%s]", m.Destination.To, email)
	}
	// Compared as addresses: "Example" <a@b> and Example <a@b> are the same mailbox (RFC 5322).
	if got, err := mail.ParseAddress(m.From); err != nil || got.String() != mustAddress(t, senderFrom).String() {
		t.Errorf("From = %q; want EMAIL_FROM %q (default brand)", m.From, senderFrom)
	}
	want, err := templates.Embedded().Render("de", "SignUp", messages.Data{Code: "{####}", AppName: appName})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != want.Subject {
		t.Errorf("Subject = %q; want the German sign-up subject %q", m.Subject, want.Subject)
	}
	if m.Body.HTML == "" {
		t.Fatal("no HTML part")
	}
	parts := map[string]string{"html": m.Body.HTML}
	// The plain-text part comes from the generated sets; until they fill it, the sender may send
	// HTML only, and only a text part that is there is checked.
	if m.Body.Text != "" {
		parts["text"] = m.Body.Text
	} else {
		t.Log("no text part yet: only the HTML part is checked")
	}
	for name, body := range parts {
		if !strings.Contains(body, e.code) {
			t.Errorf("the %s part does not contain cognito-local's code %s", name, e.code)
		}
		if strings.Contains(body, "evil.example") {
			t.Errorf("the %s part contains the name attribute, sent to an unproven recipient", name)
		}
		if strings.Contains(body, "{####}") {
			t.Errorf("the %s part still has the {####} placeholder", name)
		}
	}
	// The best proof that the mail carries the code cognito-local generated: it confirms the user.
	found := sixDigits.FindAllString(m.Body.HTML, -1)
	var confirmed bool
	for _, c := range found {
		if c != e.code {
			continue
		}
		e.aws(nil, "cognito-idp", "confirm-sign-up", "--client-id", e.client, "--username", email, "--confirmation-code", c)
		confirmed = true
		break
	}
	if !confirmed {
		t.Fatalf("no code in the mail confirmed the sign-up (six-digit numbers in it: %v)", found)
	}
	var user struct{ UserStatus string }
	e.aws(&user, "cognito-idp", "admin-get-user", "--user-pool-id", e.poolID, "--username", email)
	if user.UserStatus != "CONFIRMED" {
		t.Fatalf("after confirm-sign-up with the mailed code the user is %q; want CONFIRMED", user.UserStatus)
	}
}

// TestSenderSESDownFailsInvocation is the dead-letter path: with the SES emulator stopped the send
// cannot succeed, so the invocation fails (a function error, which real Lambda retries and then
// hands to the on-failure destination); cognito-local logs it (and, as it does with every trigger
// error, still answers the sign-up). The sender's log line says "failed" and carries no address,
// name or code; the failure recorder, given Lambda's invocation record of that event and error,
// queues a message to SQS (moto_server) that carries none either (recordFailure).
func TestSenderSESDownFailsInvocation(t *testing.T) {
	e := setupSender(t)
	e.ses.Stop()
	const email = "ada.lovelace@example.com"
	inv := e.signUp(email)
	if inv.Err == nil {
		t.Fatalf("the invocation succeeded with SES down: %s", inv.Reply)
	}
	if !strings.Contains(string(inv.Reply), "errorType") {
		t.Errorf("the RIE's reply is not a function error: %s", inv.Reply)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(e.h.CognitoLog(), "failed with error") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(e.h.CognitoLog(), "failed with error") {
		t.Errorf("cognito-local did not report the function error:\n%s", e.h.CognitoLog())
	}
	var line map[string]any
	for _, l := range strings.Split(e.h.FunctionLog(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(strings.TrimSpace(l)), &m) == nil && m["msg"] == "custom sender" {
			line = m
			for _, secret := range []string{email, "ada.lovelace", e.code, "evil.example"} {
				if strings.Contains(l, secret) {
					t.Errorf("the sender's log line contains %q: %s", secret, l)
				}
			}
		}
	}
	if line == nil {
		t.Fatalf("no log line of the sender for the invocation:\n%s", e.h.FunctionLog())
	}
	if line["outcome"] != "failed" || line["error"] == nil {
		t.Errorf("log line outcome %v, error %v; want failed with an error", line["outcome"], line["error"])
	}
	// Past Lambda's retries, the failure recorder queues it without the address, name or code.
	e.recordFailure(inv, email, "evil.example")
	if err := e.ses.Start(e.ctx); err != nil {
		t.Fatal(err)
	}
}

// TestSenderBrandFrom: through an app client mapped to the northwind example brand (BRAND_CLIENTS,
// as the stack sets it), the sender sends as that brand's own fromName/fromEmail, with the brand's
// name in the German subject; the pool's other client still gets EMAIL_FROM.
func TestSenderBrandFrom(t *testing.T) {
	if !strings.Contains(os.Getenv("LAMBDA_TAGS"), "brands") {
		t.Fatal("run through `make e2e`, which compiles examples/brands into the function (LAMBDA_TAGS=brands)")
	}
	e := setupSender(t)
	var c struct{ UserPoolClient struct{ ClientId string } }
	e.aws(&c, "cognito-idp", "create-user-pool-client", "--user-pool-id", e.poolID, "--client-name", "northwind")
	if err := e.h.RestartFunction(e.ctx, "BRAND_CLIENTS="+c.UserPoolClient.ClientId+"=northwind"); err != nil {
		t.Fatal(err)
	}
	defaultClient := e.client
	for _, tc := range []struct{ client, email string }{
		{c.UserPoolClient.ClientId, "kim.weber@example.com"},
		{defaultClient, "lea.braun@example.com"},
	} {
		e.client = tc.client
		if inv := e.signUp(tc.email); inv.Err != nil {
			t.Fatalf("%s: the sender failed: %v", tc.email, inv.Err)
		}
	}
	mails, err := e.ses.Emails(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 2 {
		t.Fatalf("the SES emulator has %d mails; want 2", len(mails))
	}
	for i, tc := range []struct{ email, from, name string }{
		{"kim.weber@example.com", "Northwind Rail <no-reply@northwind.example>", "Northwind Rail"},
		{"lea.braun@example.com", senderFrom, appName},
	} {
		m := mails[i]
		if len(m.Destination.To) != 1 || m.Destination.To[0] != tc.email {
			t.Errorf("mail %d to %v; want %s", i, m.Destination.To, tc.email)
		}
		if got, err := mail.ParseAddress(m.From); err != nil || got.String() != mustAddress(t, tc.from).String() {
			t.Errorf("%s: From = %q; want %q", tc.email, m.From, tc.from)
		}
		if !strings.Contains(m.Subject, tc.name) {
			t.Errorf("%s: subject %q does not name %s", tc.email, m.Subject, tc.name)
		}
	}
}
