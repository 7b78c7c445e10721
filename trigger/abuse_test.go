package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"cognito-custom-message/messages"
)

// What a stranger types when signing up with somebody else's address: every attribute a user can
// write, filled with an advertisement or a phishing line.
var hostileAttributes = map[string]any{
	"given_name":         "Account locked! Restore at https://evil.example/r",
	"name":               "Visit evil.example now",
	"family_name":        "Call +1 555 0100",
	"middle_name":        "bit.ly/x",
	"nickname":           "＄1000 prize",
	"preferred_username": "support@evil.example",
	"custom:company":     "EVIL CORP www.evil.example",
	"locale":             "de",
}

// attackerText are fragments of hostileAttributes that must never reach a message.
var attackerText = []string{"evil", "Restore", "Account locked", "555", "bit.ly", "prize", "1000", "support@", "EVIL"}

// verifiedEmail returns attrs with the email marked verified, as Cognito sends it for a reset code.
func verifiedEmail(attrs map[string]any) map[string]any {
	a := map[string]any{"email_verified": "true"}
	for k, v := range attrs {
		a[k] = v
	}
	return a
}

func withoutAttackerText(t *testing.T, m messages.Message) {
	t.Helper()
	for _, s := range attackerText {
		if strings.Contains(m.Subject+m.Email+m.SMS, s) {
			t.Errorf("attacker text %q reached the message", s)
		}
	}
}

// TestUnprovenRecipientsGetNoAttribute: a message to an address or number nobody has proven yet
// (sign-up, resend, attribute change and verification) is exactly the message for a user with no
// attributes at all, in every locale, whatever the attributes hold — a real name included.
func TestUnprovenRecipientsGetNoAttribute(t *testing.T) {
	h := testHandler(t)
	legit := map[string]any{"given_name": "Lena", "name": "Lena Schmidt", "family_name": "Schmidt"}
	for _, loc := range messages.Compiled().Locales() {
		for _, src := range messages.Sources {
			if messages.MayGreet(src) {
				continue
			}
			t.Run(loc+"/"+src, func(t *testing.T) {
				md := map[string]string{"locale": loc}
				bare := checkCustomized(t, h.Handle(context.Background(), event(src, nil, md)), src)
				for label, attrs := range map[string]map[string]any{"hostile": hostileAttributes, "a real name": legit} {
					got := checkCustomized(t, h.Handle(context.Background(), event(src, attrs, md)), src)
					if got != bare {
						t.Errorf("%s attributes changed the message:\nsubject %q\nsms %q", label, got.Subject, got.SMS)
					}
					withoutAttackerText(t, got)
					if strings.Contains(got.Subject+got.Email+got.SMS, "Lena") || strings.Contains(got.Email, "Schmidt") {
						t.Errorf("a name reached a message to an unproven recipient")
					}
				}
			})
		}
	}
}

// TestProvenRecipientNames: password reset, MFA and invitations to a verified address may greet by
// name — a real one — and otherwise send the neutral greeting, byte for byte the message without
// attributes.
func TestProvenRecipientNames(t *testing.T) {
	h := testHandler(t)
	for _, loc := range messages.Compiled().Locales() {
		nameKey := messages.Compiled().NameAttributes(loc)[0]
		for _, src := range messages.Sources {
			if !messages.MayGreet(src) {
				continue
			}
			t.Run(loc+"/"+src, func(t *testing.T) {
				md := map[string]string{"locale": loc}
				bare := checkCustomized(t, h.Handle(context.Background(), event(src, nil, md)), src)
				hostile := checkCustomized(t, h.Handle(context.Background(), event(src, verifiedEmail(hostileAttributes), md)), src)
				if hostile != bare {
					t.Errorf("hostile attributes changed the message: subject %q, sms %q", hostile.Subject, hostile.SMS)
				}
				withoutAttackerText(t, hostile)
				for _, name := range []string{"José María", "O'Brien", "Nguyễn Văn An", "山田太郎", "محمد"} {
					attrs := map[string]any{nameKey: name, "email_verified": "true"}
					m := checkCustomized(t, h.Handle(context.Background(), event(src, attrs, md)), src)
					// HTML escaping turns the apostrophe into &#39; in the email.
					if !strings.Contains(m.Email, strings.ReplaceAll(name, "'", "&#39;")) {
						t.Errorf("name %q (%s) not in the email", name, nameKey)
					}
				}
			})
		}
	}
}

func TestDisplayNameChoice(t *testing.T) {
	h := testHandler(t)
	cases := []struct {
		name   string
		locale string
		attrs  map[string]any
		want   string // in the email; "" = the neutral greeting
	}{
		// The choice is made on sanitized values: an invisible given_name is no name.
		{"invisible given_name, name", "en", map[string]any{"given_name": "\u00a0\u200b", "name": "Bob"}, "Hi Bob,"},
		{"given_name before name", "en", map[string]any{"given_name": "Lena", "name": "Lena Schmidt"}, "Hi Lena,"},
		{"hostile given_name, real name", "en", map[string]any{"given_name": "www.evil.example", "name": "Bob"}, "Hi Bob,"},
		{"boolean given_name", "en", map[string]any{"given_name": true}, ""},
		// Japanese: full name, else family name, with 様; a given name alone is not used.
		{"ja full name", "ja", map[string]any{"name": "山田太郎", "given_name": "太郎", "family_name": "山田"}, "山田太郎 様"},
		{"ja family name", "ja", map[string]any{"given_name": "太郎", "family_name": "山田"}, "山田 様"},
		{"ja given name only", "ja", map[string]any{"given_name": "太郎"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			md := map[string]string{"locale": c.locale}
			m := checkCustomized(t, h.Handle(context.Background(), event("ForgotPassword", verifiedEmail(c.attrs), md)), "ForgotPassword")
			bare := checkCustomized(t, h.Handle(context.Background(), event("ForgotPassword", nil, md)), "ForgotPassword")
			if c.want == "" {
				if m != bare {
					t.Errorf("want the neutral greeting; the message differs from the one without attributes")
				}
				return
			}
			if !strings.Contains(m.Email, c.want) {
				t.Errorf("email lacks %q", c.want)
			}
		})
	}
}

// TestRequestedLocaleLog: the log's requested_locale is a tag related to a shipped locale or a fixed
// word, never free text from the metadata or the attribute.
func TestRequestedLocaleLog(t *testing.T) {
	for _, c := range []struct{ metadata, attr, want string }{
		{"bob", "", RequestedUnsupported},
		{"kim,de", "", "de"},
		{"Bob Smith", "", RequestedInvalid},
		{"", "kim", RequestedUnsupported},
		{"", "lena", RequestedInvalid},
		{"de-x-secret", "", "de"},
		{"zh-TW", "", "zh-TW"},
		{"", "", ""},
	} {
		var logs bytes.Buffer
		h := testHandler(t, WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
		ev := event("SignUp", map[string]any{"locale": c.attr}, map[string]string{"locale": c.metadata})
		payload, _ := json.Marshal(ev)
		if _, err := h.Invoke(context.Background(), payload); err != nil {
			t.Fatal(err)
		}
		var rec struct {
			Requested string `json:"requested_locale"`
		}
		if err := json.Unmarshal(logs.Bytes(), &rec); err != nil {
			t.Fatalf("log line: %v: %s", err, logs.String())
		}
		if rec.Requested != c.want {
			t.Errorf("metadata %q, attribute %q: requested_locale %q; want %q", c.metadata, c.attr, rec.Requested, c.want)
		}
		for _, secret := range []string{"bob", "kim", "Bob", "lena", "secret"} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("log carries %q: %s", secret, logs.String())
			}
		}
	}
}
