package trigger

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cognito-custom-message/messages"
)

const (
	testPool    = "eu-west-1_AbCdEf123"
	testUser    = "kim@example.com"
	testKeyID   = "AKIDEXAMPLE"
	testSecret  = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testToken   = "session-token-example"
	testRegion  = "eu-west-1"
	testTarget  = "AWSCognitoIdentityProviderService.AdminUpdateUserAttributes"
	testJSONv11 = "application/x-amz-json-1.1"
)

// fakeCognito is an AdminUpdateUserAttributes endpoint that enforces the wire protocol: it checks
// the method, path, headers and body, and verifies the SigV4 signature against the test secret
// with its own implementation of the algorithm, so a request the real service would refuse fails
// the test. reply, if set, answers instead of the 200 {} of success.
type fakeCognito struct {
	t       *testing.T
	token   string // the session token the request must carry; "" = none
	reply   func(w http.ResponseWriter, r *http.Request)
	mu      sync.Mutex
	written []string // "pool/user=locale" per accepted request
	hits    int
}

func (f *fakeCognito) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.hits++
	f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if err := f.check(r, body); err != "" {
		f.t.Errorf("request breaks the protocol: %s", err)
		http.Error(w, err, http.StatusBadRequest)
		return
	}
	if f.reply != nil {
		f.reply(w, r)
		return
	}
	var req struct {
		UserPoolId     string
		Username       string
		UserAttributes []struct{ Name, Value string }
	}
	_ = json.Unmarshal(body, &req)
	f.mu.Lock()
	f.written = append(f.written, req.UserPoolId+"/"+req.Username+"="+req.UserAttributes[0].Value)
	f.mu.Unlock()
	w.Header().Set("Content-Type", testJSONv11)
	_, _ = io.WriteString(w, "{}")
}

var authRe = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=` + testKeyID + `/(\d{8})/` + testRegion +
	`/cognito-idp/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`)

func (f *fakeCognito) check(r *http.Request, body []byte) string {
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/":
		return "want POST /, got " + r.Method + " " + r.URL.Path
	case r.Header.Get("Content-Type") != testJSONv11:
		return "Content-Type " + r.Header.Get("Content-Type")
	case r.Header.Get("X-Amz-Target") != testTarget:
		return "X-Amz-Target " + r.Header.Get("X-Amz-Target")
	case r.Header.Get("X-Amz-Security-Token") != f.token:
		return "X-Amz-Security-Token " + r.Header.Get("X-Amz-Security-Token") + "; want " + f.token
	case r.Header.Get("Idempotency-Key") != "":
		return "Idempotency-Key must not be sent"
	}
	// Exactly the three members, in the API's names and types.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return "body is not a JSON object: " + err.Error()
	}
	var attrs []map[string]string
	var pool, user string
	if len(m) != 3 || json.Unmarshal(m["UserPoolId"], &pool) != nil || json.Unmarshal(m["Username"], &user) != nil ||
		json.Unmarshal(m["UserAttributes"], &attrs) != nil || pool == "" || user == "" ||
		len(attrs) != 1 || len(attrs[0]) != 2 || attrs[0]["Name"] != "locale" || attrs[0]["Value"] == "" {
		return "body " + string(body)
	}
	return verifySigV4(r, body)
}

// verifySigV4 recomputes the signature of r from AWS's description of Signature Version 4
// (canonical request, string to sign, derived key), independently of the SDK's signer.
func verifySigV4(r *http.Request, body []byte) string {
	sub := authRe.FindStringSubmatch(r.Header.Get("Authorization"))
	if sub == nil {
		return "Authorization " + r.Header.Get("Authorization")
	}
	day, signed, sig := sub[1], strings.Split(sub[2], ";"), sub[3]
	amzDate := r.Header.Get("X-Amz-Date")
	if !strings.HasPrefix(amzDate, day+"T") || len(amzDate) != 16 {
		return "X-Amz-Date " + amzDate
	}
	for _, h := range []string{"content-type", "host", "x-amz-date", "x-amz-target"} {
		if !slices.Contains(signed, h) {
			return "unsigned header " + h
		}
	}
	if r.Header.Get("X-Amz-Security-Token") != "" && !slices.Contains(signed, "x-amz-security-token") {
		return "unsigned header x-amz-security-token"
	}
	var canon strings.Builder
	canon.WriteString("POST\n/\n\n")
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		canon.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	sum := sha256.Sum256(body)
	canon.WriteString("\n" + sub[2] + "\n" + hex.EncodeToString(sum[:]))
	creq := sha256.Sum256([]byte(canon.String()))
	scope := day + "/" + testRegion + "/cognito-idp/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(creq[:])
	mac := func(key []byte, s string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(s))
		return h.Sum(nil)
	}
	key := mac(mac(mac(mac([]byte("AWS4"+testSecret), day), testRegion), "cognito-idp"), "aws4_request")
	if want := hex.EncodeToString(mac(key, toSign)); want != sig {
		return "signature " + sig + " does not verify"
	}
	return ""
}

// rememberSetup is a handler that writes through a CognitoWriter to a fakeCognito, and its log.
func rememberSetup(t *testing.T, f *fakeCognito) (*Handler, *bytes.Buffer) {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	env := map[string]string{
		"AWS_REGION": testRegion, "AWS_ENDPOINT_URL": srv.URL,
		"AWS_ACCESS_KEY_ID": testKeyID, "AWS_SECRET_ACCESS_KEY": testSecret, "AWS_SESSION_TOKEN": f.token,
	}
	w, err := NewCognitoWriter(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	return testHandler(t, WithRememberLocale(w), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil)))), &logs
}

// rememberPayload is a Lambda payload of source with the given metadata and attributes.
func rememberPayload(t *testing.T, source string, attrs map[string]any, metadata map[string]string) []byte {
	t.Helper()
	ev := event(source, attrs, metadata)
	ev.UserPoolID = testPool
	ev.UserName = testUser
	ev.Region = testRegion
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// logLine decodes the last log line.
func logLine(t *testing.T, logs *bytes.Buffer) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		t.Fatalf("log line %q: %v", lines[len(lines)-1], err)
	}
	return m
}

// TestRememberPerSource: the metadata's locale is written on the flows whose caller owns the
// account, and never on the others, whatever the metadata says.
func TestRememberPerSource(t *testing.T) {
	want := map[string]bool{
		"SignUp": true, "UpdateUserAttribute": true, "VerifyUserAttribute": true,
		"ForgotPassword": false, "ResendCode": false, "Authentication": false, "AdminCreateUser": false,
	}
	if len(want) != len(messages.Sources) {
		t.Fatalf("table covers %d sources; messages.Sources has %d", len(want), len(messages.Sources))
	}
	for _, src := range messages.Sources {
		t.Run(src, func(t *testing.T) {
			f := &fakeCognito{token: testToken}
			h, logs := rememberSetup(t, f)
			reply, _ := h.Invoke(context.Background(), rememberPayload(t, src, map[string]any{"locale": "fr", "email": testUser}, map[string]string{"locale": "de-AT"}))
			m := logLine(t, logs)
			if want[src] {
				if !reflect.DeepEqual(f.written, []string{testPool + "/" + testUser + "=de"}) || m["remember_locale"] != RememberWritten {
					t.Errorf("written %v, remember_locale %q; want one write of the shipped tag de, %q", f.written, m["remember_locale"], RememberWritten)
				}
			} else if _, timed := m["remember_us"]; f.hits != 0 || m["remember_locale"] != "" || timed {
				t.Errorf("%s must never write: %d requests, remember_locale %q, remember_us %v", src, f.hits, m["remember_locale"], m["remember_us"])
			}
			if m["rendered_locale"] != "de" || !bytes.Contains(reply, []byte(`"emailMessage":"`)) {
				t.Errorf("reply not rendered in de: %s", m["rendered_locale"])
			}
		})
	}
}

// TestRememberChoice: what is written, and when nothing is.
func TestRememberChoice(t *testing.T) {
	for _, c := range []struct {
		name     string
		attr     string // the user's locale attribute; "" = none
		metadata string // clientMetadata.locale; "" = none
		written  string // the value written; "" = no request
		outcome  string
	}{
		{"no attribute yet", "", "de", "de", RememberWritten},
		{"regional tag: the shipped one is written", "", "pt_br", "pt-BR", RememberWritten},
		{"Accept-Language list", "en", "fr-CA,fr;q=0.9", "fr", RememberWritten},
		{"different language", "fr", "de", "de", RememberWritten},
		{"same shipped locale: the app's richer value is kept", "de-AT", "de", "", RememberUnchanged},
		{"same locale in another spelling", "DE", "de-CH", "", RememberUnchanged},
		{"junk in the attribute is replaced", "not a tag!", "ja", "ja", RememberWritten},
		{"no metadata: the attribute chose", "de", "", "", ""},
		{"unsupported metadata", "en", "qaa", "", ""},
		{"invalid metadata", "en", "<script>", "", ""},
		{"Traditional Chinese by region", "en", "zh-TW", "zh-Hant", RememberWritten},
		{"an Amplify alias: the shipped tag is written", "en", "kr", "ko", RememberWritten},
		{"the macrolanguage: no is written as nb", "", "no", "nb", RememberWritten},
		{"a related language is sent, never kept: Estonian", "", "et", "", ""},
		{"a related language: Kazakh", "en", "kk", "", ""},
		{"a related language: Nynorsk", "", "nn", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeCognito{}
			h, logs := rememberSetup(t, f)
			attrs := map[string]any{"email": testUser}
			if c.attr != "" {
				attrs["locale"] = c.attr
			}
			md := map[string]string{}
			if c.metadata != "" {
				md["locale"] = c.metadata
			}
			h.Invoke(context.Background(), rememberPayload(t, "VerifyUserAttribute", attrs, md))
			var want []string
			if c.written != "" {
				want = []string{testPool + "/" + testUser + "=" + c.written}
			}
			if got := logLine(t, logs)["remember_locale"]; !reflect.DeepEqual(f.written, want) || got != c.outcome {
				t.Errorf("written %v, remember_locale %q; want %v, %q", f.written, got, want, c.outcome)
			}
		})
	}
}

// TestRememberOff: without the option (REMEMBER_LOCALE unset) nothing is ever written.
func TestRememberOff(t *testing.T) {
	var logs bytes.Buffer
	h := testHandler(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	h.Invoke(context.Background(), rememberPayload(t, "SignUp", nil, map[string]string{"locale": "de"}))
	if got, ok := logLine(t, &logs)["remember_locale"]; !ok || got != "" {
		t.Errorf("remember_locale = %q (present %v); want \"\"", got, ok)
	}
}

// TestRememberFailureKeepsTheMessage: a refused write, an unreachable endpoint and a server that
// never answers all leave the reply byte for byte what it is without the feature, are logged with
// the outcome and a reason without any value, and a slow server holds the reply up by the budget at
// most.
func TestRememberFailureKeepsTheMessage(t *testing.T) {
	payload := rememberPayload(t, "SignUp", map[string]any{"given_name": "Kim", "email": testUser}, map[string]string{"locale": "de"})
	plain, _ := testHandler(t).Invoke(context.Background(), payload)
	for _, c := range []struct {
		name    string
		reply   func(w http.ResponseWriter, r *http.Request)
		outcome string
		reason  string
		maxTime time.Duration
	}{
		{"refused", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", testJSONv11)
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"UserNotFoundException","message":"User kim@example.com does not exist."}`)
		}, RememberFailed, "HTTP 400 UserNotFoundException", RememberBudget},
		{"denied, namespaced error type", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"com.amazon.coral.service#AccessDeniedException","message":"User: arn:aws:sts::1:assumed-role/x is not authorized"}`)
		}, RememberFailed, "HTTP 400 AccessDeniedException", RememberBudget},
		{"server error without a body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		}, RememberFailed, "HTTP 500", RememberBudget},
		{"connection dropped", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, RememberFailed, "request failed", RememberBudget},
		{"never answers", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, RememberTimeout, "no answer within 300ms", 2 * RememberBudget}, // not the server's 5 s
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeCognito{reply: c.reply}
			h, logs := rememberSetup(t, f)
			start := time.Now()
			reply, err := h.Invoke(context.Background(), payload)
			took := time.Since(start)
			if err != nil || !bytes.Equal(reply, plain) {
				t.Errorf("reply changed by a failed write (err %v):\n got %s\nwant %s", err, reply, plain)
			}
			if took > c.maxTime {
				t.Errorf("reply took %v; the budget allows %v", took, c.maxTime)
			}
			t.Logf("reply after %v", took.Round(time.Millisecond))
			m := logLine(t, logs)
			if us, ok := m["remember_us"].(float64); !ok || time.Duration(us)*time.Microsecond > took {
				t.Errorf("remember_us %v; want the write's time, at most the reply's %v", m["remember_us"], took)
			}
			if m["remember_locale"] != c.outcome || m["remember_reason"] != c.reason || f.hits != 1 {
				t.Errorf("remember_locale %q, remember_reason %q, %d requests; want %q, %q, 1", m["remember_locale"], m["remember_reason"], f.hits, c.outcome, c.reason)
			}
			for _, secret := range []string{testUser, "kim@", "Kim", testPool, "arn:", "does not exist", testSecret, testKeyID} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("log holds %q: %s", secret, logs.String())
				}
			}
		})
	}
}

// TestRememberDeadline: the write never runs into the invocation's deadline less the reply's
// margin; with no time left it is not even started.
func TestRememberDeadline(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	for _, c := range []struct {
		name     string
		left     time.Duration
		hits     int
		maxTotal time.Duration
	}{
		// The fake never answers, so only the deadline ends the write: the reply, logged as a
		// timeout, proves the write was bounded. The bound on the time is far above the deadline on
		// purpose (it catches a write that ignores it, not a slow machine): a timed test on a shared
		// machine flaked at 311 ms against a bound of 300 ms.
		{"some time left", minBudget + 200*time.Millisecond, 1, 5 * time.Second},
		{"none left", minBudget - 10*time.Millisecond, 0, 5 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeCognito{reply: slow}
			h, logs := rememberSetup(t, f)
			ctx, cancel := context.WithTimeout(context.Background(), c.left)
			defer cancel()
			start := time.Now()
			h.Invoke(ctx, rememberPayload(t, "UpdateUserAttribute", nil, map[string]string{"locale": "de"}))
			if took := time.Since(start); took > c.maxTotal {
				t.Errorf("took %v; want at most %v", took, c.maxTotal)
			}
			if m := logLine(t, logs); m["remember_locale"] != RememberTimeout || f.hits != c.hits {
				t.Errorf("remember_locale %q, %d requests; want %q, %d", m["remember_locale"], f.hits, RememberTimeout, c.hits)
			}
		})
	}
}

// TestRememberWithoutSessionToken: long-term keys sign without X-Amz-Security-Token (the fake
// refuses the header when it expects none).
func TestRememberWithoutSessionToken(t *testing.T) {
	f := &fakeCognito{}
	h, logs := rememberSetup(t, f)
	h.Invoke(context.Background(), rememberPayload(t, "SignUp", nil, map[string]string{"locale": "ar"}))
	if m := logLine(t, logs); m["remember_locale"] != RememberWritten || len(f.written) != 1 {
		t.Errorf("remember_locale %q, written %v", m["remember_locale"], f.written)
	}
}

// TestRememberReusesConnections: a warm function signs every request afresh and keeps using its
// connection (the fake verifies each signature).
func TestRememberReusesConnections(t *testing.T) {
	f := &fakeCognito{token: testToken}
	h, _ := rememberSetup(t, f)
	for _, loc := range []string{"de", "fr", "ja"} {
		h.Invoke(context.Background(), rememberPayload(t, "VerifyUserAttribute", nil, map[string]string{"locale": loc}))
	}
	if len(f.written) != 3 {
		t.Errorf("written %v; want 3 writes", f.written)
	}
}

// TestRememberNoCredentials: missing keys fail the write, not the message.
func TestRememberNoCredentials(t *testing.T) {
	f := &fakeCognito{t: t}
	srv := httptest.NewServer(f)
	defer srv.Close()
	w, err := NewCognitoWriter(envMap{"AWS_REGION": testRegion, "AWS_ENDPOINT_URL": srv.URL}.get)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := testHandler(t, WithRememberLocale(w), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	reply, _ := h.Invoke(context.Background(), rememberPayload(t, "SignUp", nil, map[string]string{"locale": "de"}))
	m := logLine(t, &logs)
	if m["remember_locale"] != RememberFailed || m["remember_reason"] != errNoCredentials.Error() || f.hits != 0 {
		t.Errorf("remember_locale %q, reason %q, %d requests", m["remember_locale"], m["remember_reason"], f.hits)
	}
	if m["rendered_locale"] != "de" || !bytes.Contains(reply, []byte(`"emailSubject":"`)) {
		t.Errorf("message not sent: %s", reply)
	}
}

type envMap map[string]string

func (e envMap) get(k string) string { return e[k] }

// TestCognitoWriterEndpoint: the endpoint as the SDK's standard configuration resolves it.
func TestCognitoWriterEndpoint(t *testing.T) {
	for _, c := range []struct {
		name string
		env  envMap
		want string // "" = an error
	}{
		{"region default", envMap{"AWS_REGION": "eu-central-1"}, "https://cognito-idp.eu-central-1.amazonaws.com/"},
		{"China partition", envMap{"AWS_REGION": "cn-north-1"}, "https://cognito-idp.cn-north-1.amazonaws.com.cn/"},
		{"AWS_DEFAULT_REGION", envMap{"AWS_DEFAULT_REGION": "us-east-1"}, "https://cognito-idp.us-east-1.amazonaws.com/"},
		{"global override", envMap{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9229"}, "http://127.0.0.1:9229/"},
		{"service override wins", envMap{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://b:2/"}, "http://b:2/"},
		{"overrides ignored", envMap{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://a:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "https://cognito-idp.eu-west-1.amazonaws.com/"},
		{"no region", envMap{}, ""},
		{"not a URL", envMap{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "ftp://x"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := NewCognitoWriter(c.env.get)
			switch {
			case c.want == "" && err == nil:
				t.Errorf("got endpoint %s; want an error", w.Endpoint())
			case c.want != "" && (err != nil || w.Endpoint() != c.want):
				t.Errorf("got %v, %v; want %s", w, err, c.want)
			}
		})
	}
}

func TestErrorName(t *testing.T) {
	for in, want := range map[string]string{
		"UserNotFoundException":                              "UserNotFoundException",
		"com.amazon.coral.service#AccessDeniedException":     "AccessDeniedException",
		"UnrecognizedClientException:http://internal.amazon": "UnrecognizedClientException",
		"kim@example.com":                                    "",
		"":                                                   "",
		strings.Repeat("A", 65):                              "",
		"Bad Name With Spaces":                               "",
		"x#UserLambdaValidation\n":                           "",
	} {
		if got := errorName(in); got != want {
			t.Errorf("errorName(%q) = %q; want %q", in, got, want)
		}
	}
}

// BenchmarkNewCognitoWriter is what REMEMBER_LOCALE=true adds to a cold start (main builds it once).
func BenchmarkNewCognitoWriter(b *testing.B) {
	env := envMap{"AWS_REGION": testRegion}
	for b.Loop() {
		if _, err := NewCognitoWriter(env.get); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteLocale is one signed write to a loopback endpoint over a kept-alive connection:
// the function's own cost per write, without the network and Cognito.
func BenchmarkWriteLocale(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "{}")
	}))
	defer srv.Close()
	env := envMap{"AWS_REGION": testRegion, "AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": testKeyID,
		"AWS_SECRET_ACCESS_KEY": testSecret, "AWS_SESSION_TOKEN": testToken}
	w, err := NewCognitoWriter(env.get)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WriteLocale(context.Background(), testPool, testUser, "de"); err != nil {
			b.Fatal(err)
		}
	}
}

type panickingWriter struct{}

func (panickingWriter) WriteLocale(context.Context, string, string, string) error { panic("boom") }

// TestRememberPanicKeepsTheMessage: a panic in the write costs the write, never the rendered reply.
func TestRememberPanicKeepsTheMessage(t *testing.T) {
	var logs bytes.Buffer
	h := testHandler(t, WithRememberLocale(panickingWriter{}), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	plain := testHandler(t)
	payload := rememberPayload(t, "SignUp", nil, map[string]string{"locale": "de"})
	want, _ := plain.Invoke(context.Background(), payload)
	got, err := h.Invoke(context.Background(), payload)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("a panicking write changed the reply (err %v):\n got %s\nwant %s", err, got, want)
	}
	if m := logLine(t, &logs); m["remember_locale"] != RememberFailed || m["fallback"] != FallbackNone {
		t.Errorf("log %v; want remember_locale failed and no fallback", m)
	}
}
