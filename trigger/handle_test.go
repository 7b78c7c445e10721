package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

func event(source string, attrs map[string]any, metadata map[string]string) *Event {
	ev := &Event{}
	ev.Version = "1"
	ev.TriggerSource = "CustomMessage_" + source
	ev.Request.CodeParameter = "{####}"
	ev.Request.UserAttributes = attrs
	ev.Request.ClientMetadata = metadata
	if source == "AdminCreateUser" {
		ev.Request.UsernameParameter = "{username}"
	}
	return ev
}

// checkCustomized fails unless o carries a full message set that passes Cognito's rules.
func checkCustomized(t *testing.T, o Outcome, source string) messages.Message {
	t.Helper()
	r := o.Response
	if r.EmailSubject == nil || r.EmailMessage == nil || r.SMSMessage == nil {
		t.Fatalf("not customized: fallback %s (%s)", o.Fallback, o.Reason)
	}
	m := messages.Message{Subject: *r.EmailSubject, Email: *r.EmailMessage, SMS: *r.SMSMessage}
	ph := messages.Placeholders{Code: "{####}"}
	if source == "AdminCreateUser" {
		ph.Username = "{username}"
	}
	if err := messages.Check(m, ph); err != nil {
		t.Fatalf("reply breaks Cognito's rules: %v", err)
	}
	return m
}

func checkNull(t *testing.T, o Outcome) {
	t.Helper()
	if o.Response != (Response{}) {
		t.Fatalf("want null messages (Cognito's template), got %+v", o.Response)
	}
	if o.Fallback != FallbackCognitoTemplate {
		t.Errorf("fallback = %q; want %q", o.Fallback, FallbackCognitoTemplate)
	}
}

func TestHandleEveryLocaleAndSource(t *testing.T) {
	h := testHandler(t)
	for _, loc := range messages.Compiled().Locales() {
		for _, src := range messages.Sources {
			t.Run(loc+"/"+src, func(t *testing.T) {
				o := h.Handle(context.Background(), event(src, map[string]any{"given_name": "Kim"}, map[string]string{"locale": loc}))
				checkCustomized(t, o, src)
				if o.Rendered != loc || o.Fallback != FallbackNone || o.Resolution.Source != FromMetadata {
					t.Errorf("got rendered=%q fallback=%q source=%q; want %q, none, metadata", o.Rendered, o.Fallback, o.Resolution.Source, loc)
				}
			})
		}
	}
}

// TestHandleHostileAttributes pushes the largest and nastiest attribute values through every
// locale and source: each must still produce a valid, customized message with the HTML escaped.
func TestHandleHostileAttributes(t *testing.T) {
	h := testHandler(t, WithAppName(strings.Repeat("😀", 40)))
	names := map[string]string{
		"64 KB":       strings.Repeat("Ŵ", 32*1024),
		"html":        strings.Repeat(`<img src=x onerror=alert(1)>&"'`, 300),
		"controls":    "\x00\x1b[31mEve\u202e\u200d\u00a0\u202f\u00ad\u2066\ufeff",
		"placeholder": "{####}{username}{##Click Here##}{{.Code}}",
		"invalid":     "\xff\xfe\xfd Eve",
	}
	for _, loc := range messages.Compiled().Locales() {
		for _, src := range messages.Sources {
			for label, name := range names {
				t.Run(loc+"/"+src+"/"+label, func(t *testing.T) {
					o := h.Handle(context.Background(), event(src, map[string]any{"given_name": name}, map[string]string{"locale": loc}))
					m := checkCustomized(t, o, src)
					if strings.Contains(m.Email, "<img") || strings.Contains(m.Email, "{{") {
						t.Errorf("attribute reached the email unescaped")
					}
					if strings.Count(m.Email, "{####}") != 1 || strings.Count(m.SMS, "{####}") != 1 {
						t.Errorf("an attribute added a code placeholder")
					}
				})
			}
		}
	}
}

func TestHandleUsesLocaleAttributeThenDefault(t *testing.T) {
	h := testHandler(t, WithDefaultLocale("fr"))
	cases := []struct {
		name     string
		attrs    map[string]any
		metadata map[string]string
		want     string
		from     LocaleSource
	}{
		{"attribute", map[string]any{"locale": "ja-JP"}, nil, "ja", FromAttribute},
		{"metadata beats attribute", map[string]any{"locale": "ja-JP"}, map[string]string{"locale": "it"}, "it", FromMetadata},
		{"junk metadata, attribute", map[string]any{"locale": "ar"}, map[string]string{"locale": "../../x"}, "ar", FromAttribute},
		{"default", map[string]any{"locale": unshippable}, map[string]string{"locale": "qtz"}, "fr", FromDefault},
		{"boolean attribute", map[string]any{"locale": true}, nil, "fr", FromDefault},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := h.Handle(context.Background(), event("VerifyUserAttribute", c.attrs, c.metadata))
			checkCustomized(t, o, "VerifyUserAttribute")
			if o.Rendered != c.want || o.Resolution.Source != c.from {
				t.Errorf("rendered %q from %q; want %q from %q", o.Rendered, o.Resolution.Source, c.want, c.from)
			}
		})
	}
}

func TestDefaultLocaleSetting(t *testing.T) {
	for _, c := range []struct {
		setting string
		want    string
		logged  bool
	}{
		{"", "en", false},
		{"de", "de", false},
		{"de_AT", "de", false},
		{"pt", "pt-BR", false},
		{"klingon", "en", true},
		{"zh-TW", "zh-Hant", false},
		{unshippable, "en", true},
	} {
		var logs bytes.Buffer
		h := New(messages.Compiled(), WithDefaultLocale(c.setting), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
		if h.DefaultLocale() != c.want {
			t.Errorf("DEFAULT_LOCALE=%q: default %q; want %q", c.setting, h.DefaultLocale(), c.want)
		}
		if got := strings.Contains(logs.String(), `"level":"ERROR"`); got != c.logged {
			t.Errorf("DEFAULT_LOCALE=%q: error logged = %v; want %v (%s)", c.setting, got, c.logged, logs.String())
		}
	}
}

// brokenCatalog wraps the compiled table and breaks chosen locales.
type brokenCatalog struct {
	messages.Table
	broken map[string]func(messages.Message) messages.Message
	panics bool
}

func (b brokenCatalog) Render(locale, source string, d messages.Data) (messages.Message, error) {
	if b.panics {
		panic("template exploded")
	}
	m, err := b.Table.Render(locale, source, d)
	if f, ok := b.broken[locale]; ok {
		m = f(m)
	}
	return m, err
}

func TestFallbacks(t *testing.T) {
	tooLongSMS := func(m messages.Message) messages.Message { m.SMS = strings.Repeat("x", 141) + "{####}"; return m }
	noCode := func(m messages.Message) messages.Message {
		m.Email = strings.ReplaceAll(m.Email, "{####}", "")
		return m
	}
	nbsp := func(m messages.Message) messages.Message { m.Subject += "\u00a0!"; return m }
	deOnly := map[string]string{"locale": "de"}

	t.Run("broken locale falls back to the default", func(t *testing.T) {
		for _, breakIt := range []func(messages.Message) messages.Message{tooLongSMS, noCode, nbsp} {
			h := New(brokenCatalog{Table: messages.Compiled(), broken: map[string]func(messages.Message) messages.Message{"de": breakIt}}, WithDefaultLocale("en"))
			o := h.Handle(context.Background(), event("SignUp", nil, deOnly))
			checkCustomized(t, o, "SignUp")
			if o.Rendered != "en" || o.Fallback != FallbackDefaultLocale || !strings.HasPrefix(o.Reason, "de/SignUp: ") {
				t.Errorf("rendered %q fallback %q reason %q", o.Rendered, o.Fallback, o.Reason)
			}
		}
	})
	t.Run("broken default too: Cognito's template", func(t *testing.T) {
		b := brokenCatalog{Table: messages.Compiled(), broken: map[string]func(messages.Message) messages.Message{"de": tooLongSMS, "en": nbsp}}
		o := New(b, WithDefaultLocale("en")).Handle(context.Background(), event("SignUp", nil, deOnly))
		checkNull(t, o)
		if !strings.Contains(o.Reason, "de/SignUp") || !strings.Contains(o.Reason, "en/SignUp") {
			t.Errorf("reason %q should name both failures", o.Reason)
		}
	})
	t.Run("broken default locale chosen directly", func(t *testing.T) {
		b := brokenCatalog{Table: messages.Compiled(), broken: map[string]func(messages.Message) messages.Message{"en": noCode}}
		checkNull(t, New(b).Handle(context.Background(), event("SignUp", nil, nil)))
	})
	t.Run("missing template file", func(t *testing.T) {
		tree := fstest.MapFS{}
		err := fs.WalkDir(templates.Files(), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || p == "de/SignUp.sms.txt" {
				return err
			}
			data, err := fs.ReadFile(templates.Files(), p)
			tree[p] = &fstest.MapFile{Data: data}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := templates.New(tree)
		if err != nil {
			t.Fatal(err)
		}
		o := New(c).Handle(context.Background(), event("SignUp", nil, deOnly))
		checkCustomized(t, o, "SignUp")
		if o.Rendered != "en" || !strings.Contains(o.Reason, "de/SignUp.sms.txt") {
			t.Errorf("rendered %q reason %q; want en and the missing file named", o.Rendered, o.Reason)
		}
		// Other sources of the same locale are unaffected.
		if o := New(c).Handle(context.Background(), event("ForgotPassword", nil, deOnly)); o.Rendered != "de" {
			t.Errorf("ForgotPassword rendered %q; want de", o.Rendered)
		}
	})
	for _, code := range []string{"", "None", "####", "<b>{####}</b>", "{##\"##}"} {
		t.Run("codeParameter "+code, func(t *testing.T) {
			ev := event("ForgotPassword", nil, deOnly)
			ev.Request.CodeParameter = code
			checkNull(t, testHandler(t).Handle(context.Background(), ev))
		})
	}
	for _, username := range []string{"", "None", "null"} {
		t.Run("invitation without usernameParameter "+username, func(t *testing.T) {
			ev := event("AdminCreateUser", nil, deOnly)
			ev.Request.UsernameParameter = username
			checkNull(t, testHandler(t).Handle(context.Background(), ev))
		})
	}
	t.Run("junk username elsewhere is ignored", func(t *testing.T) {
		ev := event("SignUp", nil, deOnly)
		ev.Request.UsernameParameter = "None"
		m := checkCustomized(t, testHandler(t).Handle(context.Background(), ev), "SignUp")
		if strings.Contains(m.Email+m.SMS, "None") {
			t.Error("junk usernameParameter reached the message")
		}
	})
	t.Run("deadline too close", func(t *testing.T) {
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(10*time.Millisecond))
		defer cancel()
		checkNull(t, testHandler(t).Handle(ctx, event("SignUp", nil, deOnly)))
	})
	t.Run("unknown trigger source untouched", func(t *testing.T) {
		for _, src := range []string{"CustomMessage_Nope", "PreSignUp_SignUp", "", "CustomMessage_"} {
			ev := event("SignUp", nil, deOnly)
			ev.TriggerSource = src
			if o := testHandler(t).Handle(context.Background(), ev); o.Fallback != FallbackUntouched || o.Response != (Response{}) {
				t.Errorf("%q: %+v", src, o)
			}
		}
	})
}

func TestInvokeRecoversFromPanic(t *testing.T) {
	var logs bytes.Buffer
	h := New(brokenCatalog{Table: messages.Compiled(), panics: true}, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	in, err := os.ReadFile("../events/verify-user-attribute-email-de.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Invoke(context.Background(), in)
	if err != nil {
		t.Fatalf("Invoke returned %v", err)
	}
	assertNullReply(t, out)
	if !strings.Contains(logs.String(), `"fallback_reason":"panic"`) {
		t.Errorf("panic not logged as a fallback: %s", logs.String())
	}
	if strings.Contains(logs.String(), "template exploded") {
		t.Errorf("panic value logged: %s", logs.String())
	}
}

func replyResponse(t *testing.T, out []byte) map[string]any {
	t.Helper()
	var reply map[string]json.RawMessage
	if err := json.Unmarshal(out, &reply); err != nil {
		t.Fatalf("reply is not a JSON object: %v\n%s", err, out)
	}
	var resp map[string]any
	if err := json.Unmarshal(reply["response"], &resp); err != nil {
		t.Fatalf("reply has no response object: %s", out)
	}
	return resp
}

func assertNullReply(t *testing.T, out []byte) {
	t.Helper()
	resp := replyResponse(t, out)
	for _, k := range []string{"emailSubject", "emailMessage", "smsMessage"} {
		v, ok := resp[k]
		if !ok || v != nil {
			t.Errorf("response.%s = %v (present %v); want null", k, v, ok)
		}
	}
}

// TestInvokeBadInput feeds malformed, partial and hostile payloads through the Lambda entry point.
// None may produce an error; each gets its documented answer.
func TestInvokeBadInput(t *testing.T) {
	h := testHandler(t)
	const (
		asIs       = "as is"      // the payload comes back byte for byte
		null       = "null"       // response with three nulls: Cognito's own template
		customized = "customized" // a full localized message set
	)
	cases := []struct {
		name, payload, want string
	}{
		{"not JSON", `{"triggerSource": "CustomMessage_SignUp", `, null},
		{"empty", ``, null},
		{"JSON null", `null`, asIs},
		{"array", `[1,2,3]`, asIs},
		{"string", `"CustomMessage_SignUp"`, asIs},
		{"empty object", `{}`, asIs},
		{"every field null", `{"version":null,"triggerSource":null,"region":null,"userPoolId":null,"userName":null,"callerContext":null,"request":null,"response":null}`, asIs},
		{"request null", `{"triggerSource":"CustomMessage_SignUp","request":null,"response":null}`, null},
		{"request a string", `{"triggerSource":"CustomMessage_SignUp","request":"x"}`, null},
		{"no request", `{"triggerSource":"CustomMessage_SignUp"}`, null},
		{"numbers for strings", `{"version":1,"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","usernameParameter":7,"clientMetadata":{"locale":5},"userAttributes":{"locale":"de","given_name":12}}}`, customized},
		{"clientMetadata an array", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","clientMetadata":["de"]}}`, customized},
		{"userAttributes an array", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","userAttributes":[1,2]}}`, customized},
		{"nested attribute values", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","userAttributes":{"given_name":{"a":{"b":[[[[["deep"]]]]]}},"locale":["de"]}}}`, customized},
		{"codeParameter a number", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":1234}}`, null},
		{"codeParameter null", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":null}}`, null},
		{"triggerSource a number", `{"triggerSource":7,"request":{"codeParameter":"{####}"}}`, asIs},
		{"callerContext wrong", `{"triggerSource":"CustomMessage_Authentication","callerContext":"x","request":{"codeParameter":"{####}"}}`, customized},
		{"response with None", `{"triggerSource":"CustomMessage_Authentication","request":{"codeParameter":"{####}"},"response":{"smsMessage":"None","emailMessage":"None","emailSubject":"None"}}`, customized},
		{"extra fields", `{"triggerSource":"CustomMessage_SignUp","newField":{"x":[1]},"request":{"codeParameter":"{####}","futureParameter":"y"}}`, customized},
		{"deeply nested attribute", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","userAttributes":{"given_name":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}}`, null},
		{"deeply nested metadata", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","clientMetadata":{"locale":` + strings.Repeat(`{"a":`, 500) + `1` + strings.Repeat("}", 500) + `}}}`, customized},
		{"64 KB attributes", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","userAttributes":{"given_name":"` + strings.Repeat("<script>\u202e\u00a0", 4096) + `","name":"` + strings.Repeat("x", 65536) + `"}}}`, customized},
		{"template syntax in attributes", `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","userAttributes":{"given_name":"{{.Code}}{{template \"code\" .}}"}}}`, customized},
		{"control characters and invalid UTF-8", "{\"triggerSource\":\"CustomMessage_SignUp\",\"request\":{\"codeParameter\":\"{####}\",\"userAttributes\":{\"given_name\":\"\\u0000\\u001b[31m\xff\xfe\"}}}", customized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := h.Invoke(context.Background(), []byte(c.payload))
			if err != nil {
				t.Fatalf("Invoke returned %v", err)
			}
			switch c.want {
			case asIs:
				if !bytes.Equal(out, []byte(c.payload)) {
					t.Errorf("reply %s; want the payload back", out)
				}
			case null:
				assertNullReply(t, out)
			case customized:
				resp := replyResponse(t, out)
				for _, k := range []string{"emailSubject", "emailMessage", "smsMessage"} {
					if s, ok := resp[k].(string); !ok || s == "" || s == "None" {
						t.Errorf("response.%s = %v; want a message", k, resp[k])
					}
				}
			}
		})
	}
}

func TestInvokeKeepsUnknownFields(t *testing.T) {
	payload := `{"triggerSource":"CustomMessage_SignUp","newField":{"x":[1]},"request":{"codeParameter":"{####}","futureParameter":"y"}}`
	out, _ := testHandler(t).Invoke(context.Background(), []byte(payload))
	var reply struct {
		NewField json.RawMessage `json:"newField"`
		Request  map[string]any  `json:"request"`
	}
	if err := json.Unmarshal(out, &reply); err != nil {
		t.Fatal(err)
	}
	if string(reply.NewField) != `{"x":[1]}` || reply.Request["futureParameter"] != "y" {
		t.Errorf("unknown fields lost: %s", out)
	}
}

// TestNoMetadataEcho: no clientMetadata value may appear in any message, whatever it holds.
func TestNoMetadataEcho(t *testing.T) {
	h := testHandler(t)
	values := []string{"<script>steal()</script>", "Example", "de", "Your account is locked", "{####}", "https://evil.example"}
	for _, src := range messages.Sources {
		md := map[string]string{"locale": "de", "appName": values[0], "app_name": values[1], "message": values[3], "code": values[4], "link": values[5], "subject": "PWNED-SUBJECT"}
		o := h.Handle(context.Background(), event(src, nil, md))
		m := checkCustomized(t, o, src)
		for k, v := range md {
			if k == "locale" || v == "Example" || v == "{####}" {
				continue // the locale and the app name legitimately match; the code is Cognito's
			}
			if strings.Contains(m.Subject+m.Email+m.SMS, v) {
				t.Errorf("%s: metadata %s echoed", src, k)
			}
		}
	}
}

// TestLogsCarryNoPersonalData runs every sample event and checks the log line for each: one JSON
// object with the documented keys, and no email, phone, name, username or metadata value.
func TestLogsCarryNoPersonalData(t *testing.T) {
	for _, file := range sampleEvents(t) {
		in, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var ev events.CognitoEventUserPoolsCustomMessage
		_ = json.Unmarshal(in, &ev)
		var logs bytes.Buffer
		h := testHandler(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
		if _, err := h.Invoke(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 1 {
			t.Fatalf("%s: %d log lines; want 1", file, len(lines))
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
			t.Fatalf("%s: log line is not JSON: %s", file, lines[0])
		}
		for _, k := range []string{"version", "trigger_source", "locale_source", "resolved_locale", "rendered_locale", "fallback", "render_us"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("%s: log line lacks %s", file, k)
			}
		}
		secrets := []string{ev.UserName}
		for _, k := range []string{"email", "phone_number", "given_name", "family_name", "name"} {
			if s, ok := ev.Request.UserAttributes[k].(string); ok {
				secrets = append(secrets, s)
			}
		}
		for k, v := range ev.Request.ClientMetadata {
			// The locale is logged on purpose, but only as registry codes: never the raw value.
			if k == "locale" {
				if strings.Contains(lines[0], `"requested_locale":`+strconvQuote(v)) && !isCanonicalCode(v) {
					t.Errorf("%s: raw locale value logged: %s", file, lines[0])
				}
				continue
			}
			secrets = append(secrets, v)
		}
		for _, s := range secrets {
			if len(s) < 3 || s == "locale" {
				continue
			}
			if strings.Contains(lines[0], s) {
				t.Errorf("%s: log line contains %q: %s", file, s, lines[0])
			}
		}
	}
}

func TestRendersAreIndependent(t *testing.T) {
	// The same handler serves many events; one event's name must never reach the next. A password
	// reset goes to a proven address, so its message is the one that greets by name.
	h := testHandler(t)
	a := checkCustomized(t, h.Handle(context.Background(), event("ForgotPassword", map[string]any{"given_name": "Alice", "email_verified": "true"}, nil)), "ForgotPassword")
	b := checkCustomized(t, h.Handle(context.Background(), event("ForgotPassword", nil, nil)), "ForgotPassword")
	if !strings.Contains(a.Email, "Alice") || strings.Contains(b.Email, "Alice") {
		t.Error("display name leaked between invocations")
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// isCanonicalCode reports whether s is already language[-Script][-REGION] as loggable writes it, or
// an alias of the catalog (a key of its own table, such as "kr").
func isCanonicalCode(s string) bool {
	_, req, _ := NewLocales(messages.Compiled().Locales(), "en").WithAliases(messages.Compiled().Aliases()).Match(s)
	return req == s
}

// TestLogLineVersion: the log line names the version the release build stamped into Version (as
// -ldflags -X does), so a log says which zip ran; an unstamped build says "dev".
func TestLogLineVersion(t *testing.T) {
	in, err := os.ReadFile(sampleEvents(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	defer func(v string) { Version = v }(Version)
	for _, v := range []string{"dev", "v1.2.3"} {
		Version = v
		var logs bytes.Buffer
		h := testHandler(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
		if _, err := h.Invoke(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		if got := logLine(t, &logs)["version"]; got != v {
			t.Errorf("version = %v; want %q", got, v)
		}
	}
}
