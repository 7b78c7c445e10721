package delivery_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"cognito-custom-message/delivery"
	"cognito-custom-message/messages"
	"cognito-custom-message/trigger"
)

// motoURL is a moto_server (moto 5.2) started for this package's tests: it implements KMS
// (CreateKey, Encrypt, Decrypt, GenerateDataKey), SES v2 SendEmail with its identity check and SNS
// Publish to phone numbers. Its SES store keeps only one body part, so the tests record what the
// function sends on the wire through a proxy in front of it (recorder).
var motoURL string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flagShort := false
	for _, a := range os.Args {
		if a == "-test.short=true" || a == "-test.short" {
			flagShort = true
		}
	}
	path, err := exec.LookPath("moto_server")
	if err != nil {
		if flagShort {
			fmt.Println("moto_server not on PATH: skipping the emulator tests (-short)")
			return m.Run()
		}
		fmt.Println("moto_server is not on PATH (pip install 'moto[server]'); it is required unless -short")
		return 1
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		fmt.Println(err)
		return 1
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	motoURL = fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(20 * time.Second); ; {
		if resp, err := http.Get(motoURL + "/moto-api/"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			fmt.Println("moto_server did not start")
			return 1
		}
		time.Sleep(100 * time.Millisecond)
	}
	return m.Run()
}

// call is one request the function made, as it went over the wire.
type call struct {
	Path, Target string
	Body         []byte
}

// recorder is a reverse proxy to moto that keeps every request body.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

func (r *recorder) serve(t *testing.T, upstream string) *httptest.Server {
	u, _ := url.Parse(upstream)
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.mu.Lock()
		r.calls = append(r.calls, call{Path: req.URL.Path, Target: req.Header.Get("X-Amz-Target"), Body: body})
		r.mu.Unlock()
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// sendEmails returns the SES v2 SendEmail requests made.
func (r *recorder) sendEmails(t *testing.T) []sesv2Request {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sesv2Request
	for _, c := range r.calls {
		if c.Path == "/v2/email/outbound-emails" {
			var req sesv2Request
			if err := json.Unmarshal(c.Body, &req); err != nil {
				t.Fatal(err)
			}
			out = append(out, req)
		}
	}
	return out
}

// publishes returns the SNS Publish requests made (query protocol, form-encoded).
func (r *recorder) publishes(t *testing.T) []url.Values {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []url.Values
	for _, c := range r.calls {
		v, err := url.ParseQuery(string(c.Body))
		if err == nil && v.Get("Action") == "Publish" {
			out = append(out, v)
		}
	}
	return out
}

// sesv2Request is the wire shape of SendEmail (REST-JSON).
type sesv2Request struct {
	FromEmailAddress     string
	ReplyToAddresses     []string
	ConfigurationSetName string
	Destination          struct{ ToAddresses []string }
	Content              struct {
		Simple struct {
			Subject struct{ Data string }
			Body    struct {
				Html *struct{ Data string }
				Text *struct{ Data string }
			}
			Headers []struct{ Name, Value string }
		}
	}
	EmailTags []struct{ Name, Value string }
}

// env is one test's world: the standard AWS SDK environment pointing at the recorder in front of
// moto, a KMS key, a verified sender identity, and the Sender built from the environment.
type env struct {
	t      *testing.T
	rec    *recorder
	cfg    aws.Config
	keyARN string
	enc    *delivery.Encrypter
	sender *delivery.Sender
	logs   *bytes.Buffer
}

const verifiedFrom = "no-reply@example.com"

func newEnv(t *testing.T, extra map[string]string) *env {
	t.Helper()
	if motoURL == "" {
		t.Skip("moto_server not available (-short)")
	}
	e := &env{t: t, rec: &recorder{}, logs: &bytes.Buffer{}}
	proxy := e.rec.serve(t, motoURL)
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": proxy.URL, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "",
		"AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		t.Setenv(k, v)
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.cfg = cfg
	e.keyARN = e.createKey()
	if _, err := sesv2.NewFromConfig(cfg).CreateEmailIdentity(ctx, &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String(verifiedFrom)}); err != nil {
		t.Fatal(err)
	}
	e.enc, err = delivery.NewEncrypter(ctx, kms.NewFromConfig(cfg), e.keyARN)
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"KMS_KEY_ARN": e.keyARN, "EMAIL_FROM": "Example <" + verifiedFrom + ">", "SMS_SENDER_ID": "Example"}
	for k, v := range extra {
		vars[k] = v
	}
	e.sender = e.build(vars, kms.NewFromConfig(cfg))
	return e
}

func (e *env) build(vars map[string]string, k *kms.Client) *delivery.Sender {
	e.t.Helper()
	logger := slog.New(slog.NewJSONHandler(e.logs, nil))
	render := trigger.New(messages.Compiled(), trigger.WithAppName("Example"), trigger.WithDefaultLocale("en"), trigger.WithPlainText())
	s, err := delivery.FromEnv(context.Background(), func(k string) string { return vars[k] }, logger,
		k, sesv2.NewFromConfig(e.cfg), sns.NewFromConfig(e.cfg), render)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

func (e *env) createKey() string {
	e.t.Helper()
	out, err := kms.NewFromConfig(e.cfg).CreateKey(context.Background(), &kms.CreateKeyInput{})
	if err != nil {
		e.t.Fatal(err)
	}
	return *out.KeyMetadata.Arn
}

// encrypt is what Cognito puts in request.code.
func (e *env) encrypt(code string) string {
	e.t.Helper()
	ct, err := e.enc.Encrypt(context.Background(), []byte(code))
	if err != nil {
		e.t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(ct)
}

func event(source string, code *string, attrs map[string]any, md map[string]string) delivery.Event {
	var ev delivery.Event
	ev.Version, ev.TriggerSource, ev.Region = "1", source, "us-east-1"
	ev.UserPoolID, ev.UserName = "us-east-1_test", "user-123"
	ev.CallerContext.ClientID = "client"
	ev.Request.Type = "customEmailSenderRequestV1"
	if strings.HasPrefix(source, delivery.SMSPrefix) {
		ev.Request.Type = "customSMSSenderRequestV1"
	}
	ev.Request.Code, ev.Request.UserAttributes, ev.Request.ClientMetadata = code, attrs, md
	return ev
}

// logLine is the one JSON line of the last invocation.
func (e *env) logLine() map[string]any {
	e.t.Helper()
	lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		e.t.Fatalf("log line %q: %v", lines[len(lines)-1], err)
	}
	return m
}

// assertLogClean fails if the log holds any of the secrets or personal values.
func (e *env) assertLogClean(secrets ...string) {
	e.t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(e.logs.String(), s) {
			e.t.Errorf("log contains %q:\n%s", s, e.logs.String())
		}
	}
}

func ptr(s string) *string { return &s }

// expected renders the event as CustomMessage mode would, for the subject to compare with.
func expected(t *testing.T, source string, attrs map[string]any, md map[string]string) trigger.Outcome {
	t.Helper()
	var ev trigger.Event
	ev.TriggerSource = "CustomMessage_" + source
	ev.Request.CodeParameter = "{####}"
	ev.Request.UsernameParameter = "{username}"
	ev.Request.UserAttributes, ev.Request.ClientMetadata = attrs, md
	o := trigger.New(messages.Compiled(), trigger.WithAppName("Example"), trigger.WithDefaultLocale("en"), trigger.WithPlainText()).Handle(context.Background(), &ev)
	if o.Response.EmailSubject == nil {
		t.Fatalf("CustomMessage mode renders nothing for %s", source)
	}
	return o
}

func TestSignUpEmailToUnprovenRecipient(t *testing.T) {
	e := newEnv(t, nil)
	attrs := map[string]any{"email": "eve@example.net", "email_verified": "false", "given_name": "Mallory", "locale": "de"}
	const code = "735194"
	if err := e.sender.Handle(context.Background(), event("CustomEmailSender_SignUp", ptr(e.encrypt(code)), attrs, nil)); err != nil {
		t.Fatal(err)
	}
	sent := e.rec.sendEmails(t)
	if len(sent) != 1 {
		t.Fatalf("got %d SendEmail calls; want 1", len(sent))
	}
	m := sent[0]
	want := expected(t, "SignUp", attrs, nil)
	if m.FromEmailAddress != `"Example" <`+verifiedFrom+">" { // net/mail quotes the name (and MIME-encodes a non-ASCII one)
		t.Errorf("From = %q", m.FromEmailAddress)
	}
	if got := m.Destination.ToAddresses; len(got) != 1 || got[0] != "eve@example.net" {
		t.Errorf("To = %v", got)
	}
	s := m.Content.Simple
	if s.Subject.Data != *want.Response.EmailSubject || s.Subject.Data == "" {
		t.Errorf("subject %q; want %q (CustomMessage mode's)", s.Subject.Data, *want.Response.EmailSubject)
	}
	if s.Body.Html == nil || !strings.Contains(s.Body.Html.Data, code) || strings.Contains(s.Body.Html.Data, "{####}") {
		t.Errorf("HTML part lacks the code or keeps the placeholder")
	}
	if want.EmailText == "" || s.Body.Text == nil || !strings.Contains(s.Body.Text.Data, code) || strings.Contains(s.Body.Text.Data, "{####}") {
		t.Errorf("text part missing, lacks the code or keeps the placeholder")
	}
	if strings.Contains(s.Body.Html.Data, "Mallory") || strings.Contains(s.Body.Text.Data, "Mallory") || strings.Contains(s.Subject.Data, "Mallory") {
		t.Errorf("a name went to an unproven recipient")
	}
	if len(s.Headers) != 1 || s.Headers[0].Name != "Content-Language" || s.Headers[0].Value != "de" {
		t.Errorf("headers %v; want Content-Language: de", s.Headers)
	}
	tags := map[string]string{}
	for _, tg := range m.EmailTags {
		tags[tg.Name] = tg.Value
	}
	if tags["source"] != "SignUp" || tags["locale"] != "de" || tags["brand"] != "default" {
		t.Errorf("tags %v", tags)
	}
	if l := e.logLine(); l["outcome"] != "sent" || l["channel"] != "email" || l["rendered_locale"] != "de" {
		t.Errorf("log %v", l)
	}
	e.assertLogClean(code, "eve@example.net", "Mallory", "user-123")
}

func TestForgotPasswordGreetsProvenRecipientByName(t *testing.T) {
	e := newEnv(t, map[string]string{"EMAIL_REPLY_TO": "help@example.com", "SES_CONFIGURATION_SET": ""})
	attrs := map[string]any{"email": "ann@example.net", "email_verified": "true", "given_name": "Ann"}
	if err := e.sender.Handle(context.Background(), event("CustomEmailSender_ForgotPassword", ptr(e.encrypt("246810")), attrs, map[string]string{"locale": "fr"})); err != nil {
		t.Fatal(err)
	}
	sent := e.rec.sendEmails(t)
	if len(sent) != 1 {
		t.Fatalf("got %d SendEmail calls; want 1", len(sent))
	}
	if h := sent[0].Content.Simple.Body.Html.Data; !strings.Contains(h, "Ann") || !strings.Contains(h, "246810") {
		t.Errorf("a proven recipient gets neither name nor code")
	}
	if got := sent[0].ReplyToAddresses; len(got) != 1 || got[0] != "help@example.com" {
		t.Errorf("Reply-To %v", got)
	}
	e.assertLogClean("246810", "ann@example.net", "Ann")
}

func TestAdminCreateUserEscapesPasswordInHTML(t *testing.T) {
	e := newEnv(t, nil)
	attrs := map[string]any{"email": "new@example.net", "email_verified": "true"}
	const password = `Tmp<&>"pw1`
	if err := e.sender.Handle(context.Background(), event("CustomEmailSender_AdminCreateUser", ptr(e.encrypt(password)), attrs, nil)); err != nil {
		t.Fatal(err)
	}
	sent := e.rec.sendEmails(t)
	if len(sent) != 1 {
		t.Fatalf("got %d SendEmail calls; want 1", len(sent))
	}
	h := sent[0].Content.Simple.Body.Html.Data
	if !strings.Contains(h, "Tmp&lt;&amp;&gt;&#34;pw1") || strings.Contains(h, password) {
		t.Errorf("the temporary password is not HTML-escaped in the HTML part")
	}
	if !strings.Contains(h, "user-123") || strings.Contains(h, "{username}") {
		t.Errorf("the user name placeholder was not replaced")
	}
	e.assertLogClean(password, "new@example.net")
}

func TestSMS(t *testing.T) {
	e := newEnv(t, nil)
	attrs := map[string]any{"phone_number": "+15555550100", "phone_number_verified": "true"}
	if err := e.sender.Handle(context.Background(), event("CustomSMSSender_Authentication", ptr(e.encrypt("908172")), attrs, nil)); err != nil {
		t.Fatal(err)
	}
	pubs := e.rec.publishes(t)
	if len(pubs) != 1 {
		t.Fatalf("got %d Publish calls; want 1", len(pubs))
	}
	p := pubs[0]
	if p.Get("PhoneNumber") != "+15555550100" || !strings.Contains(p.Get("Message"), "908172") {
		t.Errorf("Publish %v", p)
	}
	attr := map[string]string{}
	for i := 1; p.Get(fmt.Sprintf("MessageAttributes.entry.%d.Name", i)) != ""; i++ {
		attr[p.Get(fmt.Sprintf("MessageAttributes.entry.%d.Name", i))] = p.Get(fmt.Sprintf("MessageAttributes.entry.%d.Value.StringValue", i))
	}
	if attr["AWS.SNS.SMS.SMSType"] != "Transactional" || attr["AWS.SNS.SMS.SenderID"] != "Example" {
		t.Errorf("message attributes %v", attr)
	}
	e.assertLogClean("908172", "+15555550100")
}

// Each bad input gets a defined answer: an error (Lambda retries, then the DLQ) for what an
// operator must look at, nil for what retrying cannot change. Nothing is sent in any of them.
func TestBadInput(t *testing.T) {
	e := newEnv(t, nil)
	other := newEnv(t, nil) // a second key in the same moto
	attrs := map[string]any{"email": "eve@example.net", "email_verified": "true"}
	unverified := map[string]any{"email": "eve@example.net", "email_verified": "false"}
	for _, c := range []struct {
		name, source string
		code         *string
		want         error // nil: no error returned
		errorCode    string
		attrs        map[string]any // nil: attrs
	}{
		{"missing code", "CustomEmailSender_SignUp", nil, delivery.ErrMissingCode, "missing_code", nil},
		{"empty code", "CustomEmailSender_SignUp", ptr(""), delivery.ErrMissingCode, "missing_code", nil},
		{"not base64", "CustomEmailSender_SignUp", ptr("%%% not base64"), delivery.ErrInvalidBase64, "invalid_base64", nil},
		{"not an Encryption SDK message", "CustomEmailSender_SignUp", ptr(base64.StdEncoding.EncodeToString([]byte("hello, not a message"))), delivery.ErrDecrypt, "decrypt_failed", nil},
		{"encrypted under another key", "CustomEmailSender_SignUp", ptr(other.encrypt("111111")), delivery.ErrDecrypt, "decrypt_failed", nil},
		{"unknown source", "CustomEmailSender_Nonsense", ptr(e.encrypt("1")), nil, "unknown_source", nil},
		{"not a sender source", "CustomMessage_SignUp", ptr(e.encrypt("1")), nil, "unknown_source", nil},
		{"account takeover to an unverified address", "CustomEmailSender_AccountTakeOverNotification", nil, nil, "unverified_recipient", unverified},
		{"account takeover by SMS", "CustomSMSSender_AccountTakeOverNotification", nil, nil, "unknown_source", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := attrs
			if c.attrs != nil {
				a = c.attrs
			}
			err := e.sender.Handle(context.Background(), event(c.source, c.code, a, nil))
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("got %v; want %v", err, c.want)
			}
			if l := e.logLine(); l["error_code"] != c.errorCode {
				t.Errorf("error_code %v; want %s", l["error_code"], c.errorCode)
			}
		})
	}
	if n := len(e.rec.sendEmails(t)); n != 0 {
		t.Errorf("%d emails sent on bad input", n)
	}
	e.assertLogClean("111111", "eve@example.net")
}

// SES refuses a From identity that is not verified (MessageRejected): permanent for this message,
// so it is logged as rejected and counted, not retried.
func TestUnverifiedSenderIsRejectedNotRetried(t *testing.T) {
	e := newEnv(t, map[string]string{"EMAIL_FROM": "Northwind <no-reply@northwind.example>"})
	attrs := map[string]any{"email": "eve@example.net", "email_verified": "true"}
	if err := e.sender.Handle(context.Background(), event("CustomEmailSender_ForgotPassword", ptr(e.encrypt("5555")), attrs, nil)); err != nil {
		t.Fatalf("got %v; want nil (rejected)", err)
	}
	if l := e.logLine(); l["outcome"] != "rejected" || l["error_code"] != "MessageRejected" {
		t.Errorf("log %v", l)
	}
	if n := len(e.rec.sendEmails(t)); n != 1 {
		t.Errorf("%d SendEmail calls; want exactly 1 (no retry of a rejection)", n)
	}
	e.assertLogClean("5555", "eve@example.net")
}

// A number SNS will not take is a permanent rejection too.
func TestInvalidPhoneNumberIsRejected(t *testing.T) {
	e := newEnv(t, nil)
	attrs := map[string]any{"phone_number": "not-a-number", "phone_number_verified": "true"}
	if err := e.sender.Handle(context.Background(), event("CustomSMSSender_SignUp", ptr(e.encrypt("4242")), attrs, nil)); err != nil {
		t.Fatalf("got %v; want nil (rejected)", err)
	}
	if l := e.logLine(); l["outcome"] != "rejected" {
		t.Errorf("log %v", l)
	}
}

// KMS unreachable: an error, so Lambda retries once KMS answers again.
func TestKMSUnreachable(t *testing.T) {
	e := newEnv(t, nil)
	code := e.encrypt("1234")
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + l.Addr().String()
	l.Close()
	k := kms.NewFromConfig(e.cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String(dead) })
	s := e.build(map[string]string{"KMS_KEY_ARN": e.keyARN, "EMAIL_FROM": verifiedFrom}, k)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.Handle(ctx, event("CustomEmailSender_SignUp", &code, map[string]any{"email": "eve@example.net"}, nil))
	if !errors.Is(err, delivery.ErrDecrypt) {
		t.Fatalf("got %v; want ErrDecrypt", err)
	}
	if n := len(e.rec.sendEmails(t)); n != 0 {
		t.Errorf("%d emails sent", n)
	}
}

// KMS access denied: moto does not enforce key policies, so a fake KMS endpoint answers Decrypt
// with the error KMS documents (AccessDeniedException, JSON 1.1 protocol). An error: an operator
// must fix the key policy; the event waits in the DLQ.
func TestKMSAccessDenied(t *testing.T) {
	e := newEnv(t, nil)
	code := e.encrypt("1234")
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"AccessDeniedException","message":"User is not authorized to perform: kms:Decrypt"}`))
	}))
	defer fake.Close()
	k := kms.NewFromConfig(e.cfg, func(o *kms.Options) { o.BaseEndpoint = aws.String(fake.URL) })
	s := e.build(map[string]string{"KMS_KEY_ARN": e.keyARN, "EMAIL_FROM": verifiedFrom}, k)
	err := s.Handle(context.Background(), event("CustomEmailSender_SignUp", &code, map[string]any{"email": "eve@example.net"}, nil))
	if !errors.Is(err, delivery.ErrDecrypt) || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("got %v; want ErrDecrypt naming AccessDenied", err)
	}
}

// The text part travels next to the HTML part (SES builds multipart/alternative from the two).
func TestSESSendsBothParts(t *testing.T) {
	e := newEnv(t, nil)
	m := &delivery.SES{Client: sesv2.NewFromConfig(e.cfg), IDs: delivery.Identities{
		Default: delivery.Identity{From: verifiedFrom},
		Brands:  map[string]delivery.Identity{"northwind": {From: "Northwind <" + verifiedFrom + ">", ConfigurationSet: ""}},
	}}
	err := m.SendEmail(context.Background(), delivery.Email{To: "a@example.net", Subject: "S", HTML: "<p>H 42</p>", Text: "T 42", Locale: "en", Brand: "northwind", Source: "SignUp"})
	if err != nil {
		t.Fatal(err)
	}
	sent := e.rec.sendEmails(t)
	if len(sent) != 1 {
		t.Fatalf("got %d SendEmail calls", len(sent))
	}
	b := sent[0].Content.Simple.Body
	if b.Html == nil || b.Html.Data != "<p>H 42</p>" || b.Text == nil || b.Text.Data != "T 42" {
		t.Errorf("body %+v", b)
	}
	if sent[0].FromEmailAddress != "Northwind <"+verifiedFrom+">" {
		t.Errorf("the brand's From was not used: %q", sent[0].FromEmailAddress)
	}
}

func TestFromEnvRequiresKeyAndSender(t *testing.T) {
	render := trigger.New(messages.Compiled())
	for _, vars := range []map[string]string{
		{"EMAIL_FROM": verifiedFrom},
		{"KMS_KEY_ARN": "arn:aws:kms:us-east-1:000000000000:key/x"},
		{"KMS_KEY_ARN": "arn:aws:kms:us-east-1:000000000000:key/x", "EMAIL_FROM": "not an address"},
	} {
		if _, err := delivery.FromEnv(context.Background(), func(k string) string { return vars[k] }, nil,
			kms.New(kms.Options{Region: "us-east-1"}), nil, nil, render); err == nil {
			t.Errorf("FromEnv(%v) accepted", vars)
		}
	}
}

// The account-takeover mail through SES: no code to decrypt (request.code is null, no KMS call),
// one multipart mail to the verified address with the details in both parts.
func TestAccountTakeoverMail(t *testing.T) {
	e := newEnv(t, nil)
	attrs := map[string]any{
		"email": "owner@example.net", "email_verified": "true", "locale": "en-GB",
		"USER_NAME": "user-123", "EVENT_ID": "ev-42", "ACCOUNT_TAKE_OVER_ACTION": "MFA_REQUIRED",
		"IP_ADDRESS": "198.51.100.23", "LOGIN_TIME": time.Now().UTC().Format(time.RFC3339),
		"CITY": "Lisbon", "COUNTRY": "Portugal", "DEVICE_NAME": "Safari 18, iOS 18",
		"ONE_CLICK_LINK_VALID": "https://auth.example.com/valid?t=1", "ONE_CLICK_LINK_INVALID": "https://auth.example.com/invalid?t=1",
	}
	before := len(e.rec.calls) // the key and identity the test set up
	if err := e.sender.Handle(context.Background(), event("CustomEmailSender_AccountTakeOverNotification", nil, attrs, nil)); err != nil {
		t.Fatal(err)
	}
	sent := e.rec.sendEmails(t)
	if len(sent) != 1 {
		t.Fatalf("got %d SendEmail calls; want 1", len(sent))
	}
	for _, c := range e.rec.calls[before:] {
		if strings.Contains(c.Target, "TrentService") {
			t.Errorf("a KMS call (%s) for an event without a code", c.Target)
		}
	}
	m := sent[0]
	if m.FromEmailAddress != `"Example" <`+verifiedFrom+">" || len(m.Destination.ToAddresses) != 1 || m.Destination.ToAddresses[0] != "owner@example.net" {
		t.Errorf("From %q To %v", m.FromEmailAddress, m.Destination.ToAddresses)
	}
	s := m.Content.Simple
	if s.Subject.Data != "Unusual sign-in attempt to your Example account" {
		t.Errorf("subject %q", s.Subject.Data)
	}
	if s.Body.Html == nil || s.Body.Text == nil {
		t.Fatal("not multipart: a part is missing")
	}
	for _, want := range []string{"198.51.100.23", "Lisbon, Portugal", "Safari 18, iOS 18", "https://auth.example.com/invalid?t=1"} {
		if !strings.Contains(s.Body.Html.Data, want) || !strings.Contains(s.Body.Text.Data, want) {
			t.Errorf("a part lacks %q", want)
		}
	}
	if strings.Contains(s.Body.Html.Data+s.Body.Text.Data, "user-123") {
		t.Error("the username is in the mail")
	}
	if len(s.Headers) != 1 || s.Headers[0].Name != "Content-Language" || s.Headers[0].Value != "en" {
		t.Errorf("headers %v", s.Headers)
	}
	tags := map[string]string{}
	for _, tg := range m.EmailTags {
		tags[tg.Name] = tg.Value
	}
	if tags["source"] != "AccountTakeOverNotification" || tags["brand"] != "default" {
		t.Errorf("tags %v", tags)
	}
	if l := e.logLine(); l["outcome"] != "sent" || l["trigger_source"] != "AccountTakeOverNotification" {
		t.Errorf("log %v", l)
	}
	e.assertLogClean("owner@example.net", "198.51.100.23", "Lisbon", "Safari", "user-123")
}
