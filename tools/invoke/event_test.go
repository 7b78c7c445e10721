package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"cognito-custom-message/internal/lambdarie"
	"cognito-custom-message/messages"
)

const eventsDir = "../../events"

// handlerEvent is the event as the handler decodes it (trigger/event.go): aws-lambda-go's types plus
// linkParameter. A generated event must decode into it with no field left over.
type handlerEvent struct {
	events.CognitoEventUserPoolsHeader
	Request struct {
		events.CognitoEventUserPoolsCustomMessageRequest
		LinkParameter *string `json:"linkParameter"`
	} `json:"request"`
	Response struct {
		SMSMessage   *string `json:"smsMessage"`
		EmailMessage *string `json:"emailMessage"`
		EmailSubject *string `json:"emailSubject"`
	} `json:"response"`
}

func decodeHandlerEvent(t *testing.T, raw []byte) handlerEvent {
	t.Helper()
	var ev handlerEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("generated event does not decode as the handler's event: %v\n%s", err, raw)
	}
	return ev
}

var (
	bootstrapOnce sync.Once
	bootstrapPath string
	bootstrapErr  error
)

// bootstrap builds the function once for the package's tests, as `make build` does.
func bootstrap(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the bootstrap and starts the emulator")
	}
	bootstrapOnce.Do(func() {
		dir, err := os.MkdirTemp("", "invoke-test-")
		if err != nil {
			bootstrapErr = err
			return
		}
		bootstrapPath = filepath.Join(dir, "bootstrap")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		bootstrapErr = lambdarie.Build(ctx, "../..", "./handler", bootstrapPath, "")
	})
	if bootstrapErr != nil {
		t.Fatal(bootstrapErr)
	}
	return bootstrapPath
}

var (
	emuOnce sync.Once
	emu     *lambdarie.Emulator
	emuErr  error
)

// sharedEmulator is one emulator running the built bootstrap with the configuration the Makefile
// exports and the goldens were made with, for the tests that send several events.
func sharedEmulator(t *testing.T) *lambdarie.Emulator {
	t.Helper()
	bin := bootstrap(t)
	emuOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		rie, err := lambdarie.ToolPath(ctx)
		if err != nil {
			emuErr = err
			return
		}
		emu, emuErr = lambdarie.Start(rie, bin, "APP_NAME=Example", "DEFAULT_LOCALE=en")
	})
	if emuErr != nil {
		t.Fatal(emuErr)
	}
	return emu
}

func TestMain(m *testing.M) {
	code := m.Run()
	if emu != nil {
		emu.Stop()
	}
	if bootstrapPath != "" {
		os.RemoveAll(filepath.Dir(bootstrapPath))
	}
	os.Exit(code)
}

// TestBuildEventEverySourceAndMedium builds an event for each source × medium, in a different shipped
// locale each, checks its shape, then sends them all to the built bootstrap under the emulator and
// checks that each reply is in the locale asked for and that the log line says it came from there.
func TestBuildEventEverySourceAndMedium(t *testing.T) {
	locales := messages.Compiled().Locales()
	const clientID = "7q2k9v4m1c8s3p6d0f5h2j7n1b"
	type built struct {
		name, source, medium, locale string
		raw                          []byte
	}
	var all []built
	i := 0
	for _, source := range messages.Sources {
		for _, medium := range Media {
			locale := locales[i%len(locales)]
			i++
			raw, name, err := BuildEvent(eventsDir, EventSpec{Source: source, Locale: locale, ClientID: clientID, Medium: medium})
			if err != nil {
				t.Fatalf("%s %s %s: %v", source, medium, locale, err)
			}
			if want := kebab(source) + "-" + medium + "-" + locale + ".json"; name != want {
				t.Errorf("name %q; want %q", name, want)
			}
			ev := decodeHandlerEvent(t, raw)
			r := ev.Request
			type check struct {
				what      string
				got, want any
			}
			checks := []check{
				{"triggerSource", ev.TriggerSource, "CustomMessage_" + source},
				{"clientId", ev.CallerContext.ClientID, clientID},
				{"codeParameter", r.CodeParameter, "{####}"},
				{"usernameParameter", r.UsernameParameter, map[bool]string{true: "{username}"}[source == "AdminCreateUser"]},
				{"response", ev.Response.SMSMessage == nil && ev.Response.EmailMessage == nil && ev.Response.EmailSubject == nil, true},
			}
			address := map[string]string{"email": "email", "sms": "phone_number"}[medium]
			checks = append(checks, check{address + "_verified", r.UserAttributes[address+"_verified"], map[bool]string{true: "true", false: "false"}[provenSources[source]]})
			if source == "Authentication" {
				// Cognito passes no clientMetadata at sign-in: the locale is the user's attribute.
				checks = append(checks, check{"clientMetadata", len(r.ClientMetadata), 0},
					check{"locale attribute", r.UserAttributes["locale"], locale})
			} else {
				checks = append(checks, check{"clientMetadata.locale", r.ClientMetadata["locale"], locale})
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: %s = %v; want %v", name, c.what, c.got, c.want)
				}
			}
			if s, _ := r.UserAttributes[address].(string); s == "" {
				t.Errorf("%s: no %s attribute for MEDIUM=%s", name, address, medium)
			}
			all = append(all, built{name, source, medium, locale, raw})
		}
	}

	emu := sharedEmulator(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, b := range all {
		before := len(emu.Logs())
		out, err := emu.Invoke(ctx, b.raw)
		if err != nil {
			t.Fatalf("%s: %v\n%s", b.name, err, emu.Logs())
		}
		reply := decodeHandlerEvent(t, out)
		if reply.Response.EmailMessage == nil || reply.Response.SMSMessage == nil || reply.Response.EmailSubject == nil {
			t.Errorf("%s: the function fell back to Cognito's template: %s", b.name, out)
			continue
		}
		if want := `<html lang="` + b.locale + `"`; !strings.Contains(*reply.Response.EmailMessage, want) {
			t.Errorf("%s: email is not in %s (no %s)", b.name, b.locale, want)
		}
		if !strings.Contains(*reply.Response.SMSMessage, "{####}") {
			t.Errorf("%s: SMS without the code: %q", b.name, *reply.Response.SMSMessage)
		}
		// This invocation's line, which may trail the reply through the emulator's pipe.
		l, _ := waitForLog(emu, before, true)
		if l == nil {
			t.Fatalf("%s: no log line:\n%s", b.name, emu.Logs()[before:])
		}
		wantSource := "clientMetadata"
		if b.source == "Authentication" {
			wantSource = "userAttribute"
		}
		if l.RenderedLocale != b.locale || l.LocaleSource != wantSource || l.Fallback != "none" || l.TriggerSource != b.source {
			t.Errorf("%s: log says %s from %s, fallback %s, source %s; want %s from %s, none, %s",
				b.name, l.RenderedLocale, l.LocaleSource, l.Fallback, l.TriggerSource, b.locale, wantSource, b.source)
		}
	}
}

// TestBuildEventKeepsTheSample checks that without LOCALE and CLIENT_ID the event is the sample's
// (its client and locale), and that a sample of the same source, medium and locale is preferred.
func TestBuildEventKeepsTheSample(t *testing.T) {
	raw, name, err := BuildEvent(eventsDir, EventSpec{Source: "VerifyUserAttribute"})
	if err != nil {
		t.Fatal(err)
	}
	if name != "verify-user-attribute-email.json" {
		t.Errorf("name %q", name)
	}
	ev := decodeHandlerEvent(t, raw)
	sample := readSample(t, "verify-user-attribute-email-de.json")
	if ev.CallerContext.ClientID != sample.CallerContext.ClientID || ev.Request.ClientMetadata["locale"] != "de" {
		t.Errorf("client %q, metadata %v; want the sample's %q and de", ev.CallerContext.ClientID, ev.Request.ClientMetadata, sample.CallerContext.ClientID)
	}

	raw, _, err = BuildEvent(eventsDir, EventSpec{Source: "ForgotPassword", Locale: "tr", Medium: "sms"})
	if err != nil {
		t.Fatal(err)
	}
	tr := readSample(t, "forgot-password-sms-tr.json")
	if got := decodeHandlerEvent(t, raw); got.UserName != tr.UserName || got.Request.UserAttributes["locale"] != "tr" {
		t.Errorf("ForgotPassword sms tr: user %q, locale attribute %v; want the tr sample's user %q with locale tr", got.UserName, got.Request.UserAttributes["locale"], tr.UserName)
	}
}

func readSample(t *testing.T, name string) handlerEvent {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(eventsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var ev handlerEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestParseSource(t *testing.T) {
	for _, in := range []string{"ForgotPassword", "forgotpassword", "forgot-password", "CustomMessage_ForgotPassword", " FORGOT_PASSWORD "} {
		if got, err := ParseSource(in); err != nil || got != "ForgotPassword" {
			t.Errorf("ParseSource(%q) = %q, %v; want ForgotPassword", in, got, err)
		}
	}
}

// TestBuildEventMistakes checks that each mistake is refused with the valid values in the message.
func TestBuildEventMistakes(t *testing.T) {
	for _, c := range []struct {
		spec EventSpec
		want []string
	}{
		{EventSpec{}, []string{"SOURCE is missing", "SignUp", "Authentication"}},
		{EventSpec{Source: "PasswordReset"}, []string{`unknown SOURCE "PasswordReset"`, "ForgotPassword", "AdminCreateUser"}},
		{EventSpec{Source: "SignUp", Medium: "push"}, []string{`unknown MEDIUM "push"`, "email, sms"}},
		{EventSpec{Source: "SignUp", ClientID: "my client"}, []string{`CLIENT_ID "my client"`, "128"}},
		{EventSpec{Source: "SignUp", Locale: "../../etc/passwd"}, []string{"LOCALE", "BCP 47"}},
	} {
		_, _, err := BuildEvent(eventsDir, c.spec)
		if err == nil {
			t.Errorf("%+v: no error", c.spec)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%+v: error %q lacks %q", c.spec, err, w)
			}
		}
	}
}

// TestSamplesExist pins the sample table to events/: each file is of its source and medium.
func TestSamplesExist(t *testing.T) {
	for _, source := range messages.Sources {
		pair, ok := samples[source]
		if !ok {
			t.Errorf("no sample for %s", source)
			continue
		}
		for i, medium := range Media {
			if !strings.HasPrefix(pair[i], kebab(source)+"-"+medium+"-") {
				t.Errorf("%s %s: sample %s is not named for them", source, medium, pair[i])
			}
			if ev := readSample(t, pair[i]); ev.TriggerSource != "CustomMessage_"+source {
				t.Errorf("%s is %s", pair[i], ev.TriggerSource)
			}
		}
	}
}
