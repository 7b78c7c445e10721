package trigger

import (
	"context"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

// nameEverywhere is the shipped English templates with the display name printed in every part of
// every source — what a careless brand or a future template could do. The handler alone must then
// keep the name out of every channel the event does not prove: the template lint is a second guard,
// not the only one.
func nameEverywhere(t *testing.T) *templates.Catalog {
	t.Helper()
	top := fstest.MapFS{}
	for _, src := range messages.Sources {
		for _, part := range []messages.Part{messages.PartSubject, messages.PartEmail, messages.PartSMS} {
			file := "en/" + templates.FileName(src, part)
			b, err := fs.ReadFile(templates.Files(), file)
			if err != nil {
				t.Fatal(err)
			}
			s := strings.TrimRight(string(b), "\n")
			if part == messages.PartEmail {
				s += "\n<p>NAME[{{.Name}}]</p>"
			} else {
				s += " NAME[{{.Name}}]"
			}
			top[file] = &fstest.MapFile{Data: []byte(s + "\n")}
		}
	}
	c, err := templates.New(templates.Overlay(top, templates.Files()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestNameOnlyInProvenChannels: with templates that print the name everywhere, the name reaches a
// channel only where messages.NameChannels proves it — never to an unproven sign-up, resend,
// attribute change or verification, and in MFA and reset codes only to a verified address or number.
func TestNameOnlyInProvenChannels(t *testing.T) {
	h := New(nameEverywhere(t), WithAppName("Example"), WithDefaultLocale("en"))
	const name = "Lena"
	md := map[string]string{"locale": "en"}
	flags := func(email, phone any) map[string]any {
		a := map[string]any{"given_name": name, "email": "lena@example.com", "phone_number": "+4915112345678"}
		if email != nil {
			a["email_verified"] = email
		}
		if phone != nil {
			a["phone_number_verified"] = phone
		}
		return a
	}
	type want struct{ email, sms bool }
	cases := []struct {
		source string
		attrs  map[string]any
		want   want
	}{
		// Nobody has proven the recipient: verified flags on the account's *other* channel (or an
		// earlier value) prove nothing about where this code goes.
		{"SignUp", flags("true", "true"), want{}},
		{"ResendCode", flags("true", "true"), want{}},
		{"UpdateUserAttribute", flags("true", "true"), want{}},
		{"VerifyUserAttribute", flags("true", "true"), want{}},
		// MFA: Cognito mails and texts unverified addresses and numbers.
		{"Authentication", flags("false", "false"), want{}},
		{"Authentication", flags(nil, nil), want{}},
		{"Authentication", flags("true", "false"), want{email: true}},
		{"Authentication", flags("false", "true"), want{sms: true}},
		{"Authentication", flags("true", "true"), want{email: true, sms: true}},
		{"Authentication", flags(true, nil), want{email: true}}, // old samples: JSON booleans
		{"Authentication", flags("True", "1"), want{}},          // only Cognito's "true" counts
		{"ForgotPassword", flags("true", nil), want{email: true}},
		{"ForgotPassword", flags(nil, "true"), want{sms: true}},
		{"ForgotPassword", flags("false", "false"), want{}},
		// An administrator wrote the invitation's address and attributes.
		{"AdminCreateUser", flags(nil, nil), want{email: true, sms: true}},
	}
	for _, c := range cases {
		t.Run(c.source, func(t *testing.T) {
			m := checkCustomized(t, h.Handle(context.Background(), event(c.source, c.attrs, md)), c.source)
			got := want{
				email: strings.Contains(m.Email, "NAME["+name+"]") && strings.Contains(m.Subject, "NAME["+name+"]"),
				sms:   strings.Contains(m.SMS, "NAME["+name+"]"),
			}
			if got != c.want {
				t.Errorf("email_verified %v, phone_number_verified %v: name in email %v, sms %v; want email %v, sms %v",
					c.attrs["email_verified"], c.attrs["phone_number_verified"], got.email, got.sms, c.want.email, c.want.sms)
			}
			for part, text := range map[string]string{"subject": m.Subject, "email": m.Email, "sms": m.SMS} {
				if !strings.Contains(text, "NAME[") {
					t.Fatalf("%s lost the template's name slot: %q", part, text)
				}
				if strings.Contains(text, "NAME[]") == strings.Contains(text, "NAME["+name+"]") {
					t.Errorf("%s has the name slot neither empty nor filled: %q", part, text)
				}
			}
		})
	}
}

// TestUnverifiedMFAPhishing is the reproduction from the security review: a user confirms with
// their own address, points `email` at a victim's (a pool without "keep original until verified"),
// sets given_name to a four-word phrase and turns on email MFA. Every sign-in attempt then mails
// the victim; the message must be the neutral one, in every locale.
func TestUnverifiedMFAPhishing(t *testing.T) {
	h := testHandler(t)
	attacker := map[string]any{
		"email": "victim@example.com", "email_verified": "false",
		"phone_number": "+15550100", "phone_number_verified": "false",
		"given_name": "Account Locked Call Support", "name": "Account Locked Call Support",
		"family_name": "Support",
	}
	for _, loc := range messages.Compiled().Locales() {
		md := map[string]string{"locale": loc}
		bare := checkCustomized(t, h.Handle(context.Background(), event("Authentication", nil, md)), "Authentication")
		got := checkCustomized(t, h.Handle(context.Background(), event("Authentication", attacker, md)), "Authentication")
		if got != bare {
			t.Errorf("%s: the attacker's name reached an unverified MFA recipient:\n%s", loc, got.Email)
		}
		if strings.Contains(got.Subject+got.Email+got.SMS, "Locked") {
			t.Errorf("%s: the phrase reached the message", loc)
		}
	}
}

// TestAliasesFromTheCatalog: a locale.json's aliases reach the handler's matcher: metadata "kr" (as
// Amplify UI sends Korean) renders the locale that declares it.
func TestAliasesFromTheCatalog(t *testing.T) {
	top := fstest.MapFS{"ko/locale.json": &fstest.MapFile{Data: []byte(`{"aliases": ["kr"]}`)}}
	entries, err := fs.ReadDir(templates.Files(), "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "locale.json" {
			continue
		}
		b, _ := fs.ReadFile(templates.Files(), "en/"+e.Name())
		top["ko/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	c, err := templates.New(templates.Overlay(top, templates.Files()))
	if err != nil {
		t.Fatal(err)
	}
	h := New(c, WithAppName("Example"), WithDefaultLocale("de"))
	o := h.Handle(context.Background(), event("SignUp", nil, map[string]string{"locale": "kr"}))
	checkCustomized(t, o, "SignUp")
	if o.Rendered != "ko" || o.Resolution.Source != FromMetadata || o.Resolution.Requested != "kr" {
		t.Errorf("metadata kr: rendered %q from %s (requested %q); want ko from the metadata", o.Rendered, o.Resolution.Source, o.Resolution.Requested)
	}
}

// TestLenientDecodeKeepsWhatItCan: an event whose known field has the wrong type (a number for
// "version") is decoded field by field; everything else — the app client, the metadata, the
// attributes — still counts.
func TestLenientDecodeKeepsWhatItCan(t *testing.T) {
	payload := []byte(`{"version": 1, "triggerSource": "CustomMessage_ForgotPassword", "userPoolId": "eu-west-1_AbC",
		"callerContext": {"clientId": "` + mappedClient + `"},
		"request": {"codeParameter": "{####}", "clientMetadata": {"locale": "de", "n": 5},
			"userAttributes": {"given_name": "Lena", "email_verified": "true", "nested": {"x": 1}}},
		"response": {}}`)
	var top map[string]json.RawMessage
	if err := json.Unmarshal(payload, &top); err != nil {
		t.Fatal(err)
	}
	ev, lenient := decodeEvent(top)
	if !lenient {
		t.Fatal("a numeric version decoded strictly")
	}
	if ev.CallerContext.ClientID != mappedClient || ev.Request.ClientMetadata["locale"] != "de" ||
		ev.Request.UserAttributes["given_name"] != "Lena" || ev.Request.CodeParameter != "{####}" {
		t.Fatalf("lenient decode lost fields: %+v", ev)
	}
	if _, ok := ev.Request.UserAttributes["nested"]; ok {
		t.Error("an object kept as an attribute value")
	}
	h := testHandler(t, WithBrands(exampleBrands(t)...), WithBrandClients(map[string]string{mappedClient: "northwind"}))
	o := h.Handle(context.Background(), &ev)
	m := checkCustomized(t, o, "ForgotPassword")
	if o.Brand != "northwind" || o.Rendered != "de" || !strings.Contains(m.Email, "Lena") {
		t.Errorf("brand %q, locale %q, name in mail %v; want northwind, de, Lena", o.Brand, o.Rendered, strings.Contains(m.Email, "Lena"))
	}
	for _, bad := range []string{`{"version": 1, "callerContext": "x", "request": "y"}`, `{"version": 1, "request": {"userAttributes": [1], "clientMetadata": null}}`} {
		var top map[string]json.RawMessage
		_ = json.Unmarshal([]byte(bad), &top)
		if ev, _ := decodeEvent(top); ev.CallerContext.ClientID != "" || ev.Request.UserAttributes != nil || ev.Request.ClientMetadata != nil {
			t.Errorf("%s decoded to %+v", bad, ev)
		}
	}
}
