package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// invokeSample runs the tool as `make invoke EVENT=events/<name> FORMAT=<format>` does, on the built
// bootstrap under the emulator, and returns what it printed.
func invokeSample(t *testing.T, c config) (stdout, stderr string, outDir string) {
	t.Helper()
	if c.bootstrap == "" {
		c.emu = sharedEmulator(t)
	}
	c.eventsDir = eventsDir
	c.outDir = t.TempDir()
	c.logs = true
	var out, errs bytes.Buffer
	if err := run(c, &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	return out.String(), errs.String(), c.outDir
}

// golden returns the handler's golden reply for a sample event.
func golden(t *testing.T, name string) (raw []byte, r reply) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("../../trigger/testdata/golden", name))
	if err != nil {
		t.Fatal(err)
	}
	if r, err = decodeReply(raw); err != nil {
		t.Fatal(err)
	}
	return raw, r
}

// TestInvokeTextOutput is `make invoke` on the default sample: a person sees what was chosen, the
// subject, the SMS, the email as text, and where its HTML is; the HTML file is the reply's email.
func TestInvokeTextOutput(t *testing.T) {
	const name = "verify-user-attribute-email-de.json"
	// The path `make invoke` takes: the tool starts its own emulator on the bootstrap.
	t.Setenv("APP_NAME", "Example") // as the Makefile exports it, and as the goldens were made
	t.Setenv("DEFAULT_LOCALE", "en")
	out, stderr, dir := invokeSample(t, config{bootstrap: bootstrap(t), event: filepath.Join(eventsDir, name), format: "text"})
	_, want := golden(t, name)
	htmlPath := filepath.Join(dir, "verify-user-attribute-email-de.html")
	for _, line := range []string{
		"event     " + filepath.Join(eventsDir, name) + " (CustomMessage_VerifyUserAttribute)\n",
		"locale    de, from clientMetadata.locale (requested de)\n",
		"brand     default (no brand for this app client)\n",
		"fallback  none\n",
		"subject   " + *want.Response.EmailSubject + "\n",
		"sms       " + *want.Response.SMSMessage + "\n",
		"          70 characters, GSM-7, 1 segment\n",
		"email     " + htmlPath + " (",
		"\n    Hallo,\n\n    geben Sie diesen Code ein, um Ihre E-Mail-Adresse für Example zu bestätigen:\n\n    {####}\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if strings.Contains(out, "<p") || strings.Contains(out, `\u003c`) || strings.Contains(out, `"emailMessage"`) {
		t.Errorf("HTML or JSON in the output for a person:\n%s", out)
	}
	html, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(html) != *want.Response.EmailMessage {
		t.Errorf("%s is not the reply's email:\n%s", htmlPath, html)
	}
	if strings.Contains(stderr, `"msg":"custom message"`) {
		t.Errorf("the invocation log line was printed raw, not summarized:\n%s", stderr)
	}
}

// TestInvokeTextFallback shows a reply that leaves every message to Cognito: the output says so and
// gives the reason from the log line; no HTML file is written.
func TestInvokeTextFallback(t *testing.T) {
	out, _, dir := invokeSample(t, config{event: filepath.Join(eventsDir, "missing-code-parameter.json"), format: "text"})
	for _, line := range []string{
		"fallback  cognito_template: no usable codeParameter\n",
		"subject   null: Cognito sends the pool's own template\n",
		"sms       null: Cognito sends the pool's own template\n",
		"email     null: Cognito sends the pool's own template\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.html")); len(files) != 0 {
		t.Errorf("HTML written for a reply without email: %v", files)
	}
}

// TestInvokeJSONOutput is `make invoke FORMAT=json`: the returned event, indented, and nothing else
// on stdout, as `make invoke` printed before it had a text format; the log lines go to stderr.
func TestInvokeJSONOutput(t *testing.T) {
	const name = "verify-user-attribute-email-de.json"
	out, stderr, dir := invokeSample(t, config{event: filepath.Join(eventsDir, name), format: "json"})
	raw, _ := golden(t, name)
	var got, want any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not one JSON value: %v\n%s", err, out)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reply differs from the golden file\ngot:  %s\nwant: %s", out, raw)
	}
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, []byte(out)); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&indented, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	if out != indented.String()+"\n" {
		t.Errorf("stdout is not the reply indented by two spaces:\n%s", out)
	}
	if !strings.Contains(stderr, `function log: {"time"`) || !strings.Contains(stderr, `"msg":"custom message"`) {
		t.Errorf("stderr lacks the function's log line:\n%s", stderr)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 0 {
		t.Errorf("FORMAT=json wrote files: %v", files)
	}
}

// TestInvokeBuiltEvent is `make invoke SOURCE=ForgotPassword LOCALE=nl MEDIUM=sms`: the event is
// written next to the HTML, named in the output, and answered in Dutch.
func TestInvokeBuiltEvent(t *testing.T) {
	out, _, dir := invokeSample(t, config{spec: EventSpec{Source: "ForgotPassword", Locale: "nl", Medium: "sms"}, format: "text"})
	eventPath := filepath.Join(dir, "forgot-password-sms-nl.json")
	for _, line := range []string{
		"event     " + eventPath + " (CustomMessage_ForgotPassword)\n",
		"locale    nl, from clientMetadata.locale (requested nl)\n",
		"email     " + filepath.Join(dir, "forgot-password-sms-nl.html") + " (",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if _, err := os.Stat(eventPath); err != nil {
		t.Error(err)
	}
}

func TestRunRefusesMistakes(t *testing.T) {
	for _, c := range []struct {
		cfg  config
		want string
	}{
		{config{format: "yaml"}, `unknown FORMAT "yaml": one of text, json`},
		{config{format: "text", event: "x.json", eventSet: true, spec: EventSpec{Source: "SignUp"}}, "give one or the other"},
		{config{format: "text", spec: EventSpec{Locale: "nl"}}, "SOURCE is missing"},
		{config{makeEvent: true}, "SOURCE is missing"},
	} {
		c.cfg.eventsDir = eventsDir
		c.cfg.outDir = t.TempDir()
		err := run(c.cfg, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v; want %q", c.cfg, err, c.want)
		}
	}
}

// TestMakeEventToStdout is `make event SOURCE=SignUp LOCALE=fr MEDIUM=sms OUT=-`.
func TestMakeEventToStdout(t *testing.T) {
	var out, errs bytes.Buffer
	c := config{makeEvent: true, out: "-", eventsDir: eventsDir, spec: EventSpec{Source: "SignUp", Locale: "fr", Medium: "sms"}}
	if err := run(c, &out, &errs); err != nil {
		t.Fatal(err)
	}
	ev := decodeHandlerEvent(t, out.Bytes())
	if ev.TriggerSource != "CustomMessage_SignUp" || ev.Request.ClientMetadata["locale"] != "fr" {
		t.Errorf("stdout holds %s with metadata %v", ev.TriggerSource, ev.Request.ClientMetadata)
	}
	if errs.Len() != 0 {
		t.Errorf("stderr: %s", errs.String())
	}
}
