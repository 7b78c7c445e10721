package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cognito-custom-message/messages"
)

func addSeeds(f *testing.F) {
	files, _ := filepath.Glob("../events/*.json")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"triggerSource":"CustomMessage_SignUp","request":{"codeParameter":"{####}","userAttributes":{"given_name":"<b>"}}}`} {
		f.Add([]byte(s))
	}
}

// FuzzInvoke drives raw payloads through the path Lambda uses. Properties: no panic (Invoke would
// recover and log it), no error, a JSON reply; for an object, a response that either leaves every
// message to Cognito (null) or satisfies every Cognito rule; and clientMetadata has no influence on
// the reply but through its locale key.
func FuzzInvoke(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, payload []byte) {
		var logs bytes.Buffer
		h := testHandler(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
		out, err := h.Invoke(context.Background(), payload)
		if err != nil {
			t.Fatalf("Invoke returned %v", err)
		}
		if strings.Contains(logs.String(), "recovered from panic") {
			t.Fatalf("handler panicked: %s", logs.String())
		}
		if !json.Valid(out) {
			t.Fatalf("reply is not JSON: %q", out)
		}
		var top map[string]json.RawMessage
		if json.Unmarshal(payload, &top) != nil || top == nil {
			return
		}
		ev, _ := decodeEvent(top)
		o := h.Handle(context.Background(), &ev)
		if o.Fallback == FallbackUntouched {
			if !bytes.Equal(out, payload) {
				t.Fatalf("unknown source: payload not returned as is")
			}
			return
		}
		var reply struct {
			Response struct {
				EmailSubject, EmailMessage, SMSMessage *string
			} `json:"response"`
		}
		if err := json.Unmarshal(out, &reply); err != nil {
			t.Fatalf("reply: %v", err)
		}
		r := reply.Response
		switch {
		case r.EmailSubject == nil && r.EmailMessage == nil && r.SMSMessage == nil:
		case r.EmailSubject != nil && r.EmailMessage != nil && r.SMSMessage != nil:
			ph := messages.Placeholders{Code: ev.Request.CodeParameter}
			if ev.TriggerSource == "CustomMessage_AdminCreateUser" {
				ph.Username = ev.Request.UsernameParameter
			}
			if err := messages.Check(messages.Message{Subject: *r.EmailSubject, Email: *r.EmailMessage, SMS: *r.SMSMessage}, ph); err != nil {
				t.Fatalf("reply breaks Cognito's rules: %v", err)
			}
		default:
			t.Fatalf("some messages null, some not: %+v", r)
		}
		// Only the locale key of clientMetadata may change the reply.
		stripped := ev
		stripped.Request.ClientMetadata = nil
		if loc, ok := ev.Request.ClientMetadata["locale"]; ok {
			stripped.Request.ClientMetadata = map[string]string{"locale": loc}
		}
		o2 := h.Handle(context.Background(), &stripped)
		if !sameResponse(o.Response, o2.Response) {
			t.Fatalf("clientMetadata beyond locale changed the reply")
		}
	})
}

func sameResponse(a, b Response) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.EmailSubject, b.EmailSubject) && eq(a.EmailMessage, b.EmailMessage) && eq(a.SMSMessage, b.SMSMessage)
}

var loggableRe = regexp.MustCompile(`^([a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?)?$`)

// FuzzMatch: any string either matches a shipped locale or nothing, and what is logged of it is
// registry codes the matcher relates to a shipped locale, or a fixed word.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{"de", "de_AT", "PT_br", "fr-CA,fr;q=0.9,en;q=0.8", "zh-TW", "../../x", "x-klingon", "de-x-lena", "*", "", "bob", "kim,de", "kim,zh-TW"} {
		f.Add(s)
	}
	l := NewLocales(messages.Compiled().Locales(), "en")
	shipped := map[string]bool{}
	for _, loc := range messages.Compiled().Locales() {
		shipped[loc] = true
	}
	f.Fuzz(func(t *testing.T, value string) {
		loc, req, ok := l.Match(value)
		if ok != (loc != "") || (ok && !shipped[loc]) {
			t.Fatalf("Match(%q) = %q, %v", value, loc, ok)
		}
		switch {
		case req == RequestedUnsupported || req == RequestedInvalid:
		case !loggableRe.MatchString(req):
			t.Fatalf("Match(%q) would log %q", value, req)
		case req != "":
			// A logged code is one the matcher relates to a shipped locale: logged as itself again.
			if loc2, req2, ok2 := l.Match(req); req2 != req || ok2 != ok || loc2 != loc {
				t.Fatalf("Match(%q) logs %q, which itself matches %q, %q, %v", value, req, loc2, req2, ok2)
			}
		}
	})
}
