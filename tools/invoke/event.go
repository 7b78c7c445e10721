package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"cognito-custom-message/messages"
)

// EventSpec says which event to build: `make event SOURCE=ForgotPassword LOCALE=nl CLIENT_ID=…
// MEDIUM=sms`. Empty fields keep what the sample has.
type EventSpec struct {
	Source   string // a trigger source, with or without "CustomMessage_", in any case
	Locale   string // what the app asks for: any string, as a client may send it
	ClientID string // the app client that made the request
	Medium   string // "email" or "sms"; "" is email
}

// Media are the values MEDIUM takes.
var Media = []string{"email", "sms"}

// samples names, per source and medium, the shipped sample in events/ an event is built from: an
// ordinary user of that flow, with realistic attributes, and none of the hostile or legacy shapes
// the other samples exist for. A sample of the same source, medium and locale, when events/ has
// one, is preferred (events/forgot-password-email-nl.json for ForgotPassword, email, nl).
var samples = map[string][2]string{
	"SignUp":              {"sign-up-email-ko.json", "sign-up-sms-en.json"},
	"ResendCode":          {"resend-code-email-es.json", "resend-code-sms-th.json"},
	"ForgotPassword":      {"forgot-password-email-nl.json", "forgot-password-sms-pt-BR.json"},
	"UpdateUserAttribute": {"update-user-attribute-email-it.json", "update-user-attribute-sms-de-AT.json"},
	"VerifyUserAttribute": {"verify-user-attribute-email-de.json", "verify-user-attribute-sms-ja.json"},
	"AdminCreateUser":     {"admin-create-user-email-sv.json", "admin-create-user-sms-ru.json"},
	"Authentication":      {"authentication-email-he.json", "authentication-sms-hu.json"},
}

// provenSources are the flows whose recipient has already proven the address or number, so the
// event carries <medium>_verified = "true" (COGNITO.md, sign-up spam relay): a password reset goes
// to a verified address, an administrator wrote the invitation's, and an MFA code goes to a channel
// that is verified in the common case. The others send the code that verifies it.
var provenSources = map[string]bool{"ForgotPassword": true, "AdminCreateUser": true, "Authentication": true}

// fileSafe matches what a locale may hold that a file name should not (an Accept-Language list).
var fileSafe = regexp.MustCompile(`[^A-Za-z0-9-]+`)

// clientIDPattern is Cognito's ClientIdType: 1–128 word characters or '+'.
var clientIDPattern = regexp.MustCompile(`^[\w+]{1,128}$`)

// sampleEvent is the event as the samples write it, in their field order. Pointers keep JSON nulls.
type sampleEvent struct {
	Version       string `json:"version"`
	Region        string `json:"region"`
	UserPoolID    string `json:"userPoolId"`
	UserName      string `json:"userName"`
	CallerContext struct {
		AWSSDKVersion string `json:"awsSdkVersion"`
		ClientID      string `json:"clientId"`
	} `json:"callerContext"`
	TriggerSource string `json:"triggerSource"`
	Request       struct {
		UserAttributes    map[string]string `json:"userAttributes"`
		CodeParameter     *string           `json:"codeParameter"`
		LinkParameter     *string           `json:"linkParameter"`
		UsernameParameter *string           `json:"usernameParameter"`
		ClientMetadata    map[string]string `json:"clientMetadata"`
	} `json:"request"`
	Response struct {
		SMSMessage   *string `json:"smsMessage"`
		EmailMessage *string `json:"emailMessage"`
		EmailSubject *string `json:"emailSubject"`
	} `json:"response"`
}

// ParseSource returns the trigger source s names ("ForgotPassword", "forgot-password",
// "CustomMessage_ForgotPassword"), or an error that lists the valid ones.
func ParseSource(s string) (string, error) {
	key := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(strings.TrimSpace(s)))
	key = strings.TrimPrefix(key, "custommessage")
	for _, src := range messages.Sources {
		if strings.ToLower(src) == key {
			return src, nil
		}
	}
	if s == "" {
		return "", fmt.Errorf("SOURCE is missing: one of %s", strings.Join(messages.Sources, ", "))
	}
	return "", fmt.Errorf("unknown SOURCE %q: one of %s", s, strings.Join(messages.Sources, ", "))
}

// ParseMedium returns "email" or "sms" for m ("" is email), or an error that lists them.
func ParseMedium(m string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(m)) {
	case "", "email":
		return "email", nil
	case "sms":
		return "sms", nil
	}
	return "", fmt.Errorf("unknown MEDIUM %q: one of %s", m, strings.Join(Media, ", "))
}

// BuildEvent makes the event spec asks for from a shipped sample in eventsDir. It returns the event
// as indented JSON and a file name that says what it is (forgot-password-sms-nl.json).
//
// The locale goes where a real app's would: clientMetadata.locale (and the user's locale attribute,
// when the sample's user has one, so the two agree); for Authentication only the attribute, because
// Cognito passes no clientMetadata at sign-in (InitiateAuth takes none for this trigger).
func BuildEvent(eventsDir string, spec EventSpec) (event []byte, name string, err error) {
	source, err := ParseSource(spec.Source)
	if err != nil {
		return nil, "", err
	}
	medium, err := ParseMedium(spec.Medium)
	if err != nil {
		return nil, "", err
	}
	if spec.ClientID != "" && !clientIDPattern.MatchString(spec.ClientID) {
		return nil, "", fmt.Errorf("CLIENT_ID %q is not an app client ID: 1 to 128 letters, digits, '_' or '+' (the ID in the Cognito console's app client list)", spec.ClientID)
	}
	locale := strings.TrimSpace(spec.Locale)
	if strings.ContainsAny(locale, "/\\") || len(locale) > 128 {
		return nil, "", fmt.Errorf("LOCALE %q is not a locale: a BCP 47 tag such as nl, pt-BR or de-AT", spec.Locale)
	}

	stem := kebab(source) + "-" + medium
	file := samples[source][0]
	if medium == "sms" {
		file = samples[source][1]
	}
	if locale != "" {
		if _, err := os.Stat(filepath.Join(eventsDir, stem+"-"+locale+".json")); err == nil {
			file = stem + "-" + locale + ".json"
		}
	}
	raw, err := os.ReadFile(filepath.Join(eventsDir, file))
	if err != nil {
		return nil, "", fmt.Errorf("sample event: %w", err)
	}
	var ev sampleEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return nil, "", fmt.Errorf("sample event %s: %w", file, err)
	}
	if ev.TriggerSource != "CustomMessage_"+source {
		return nil, "", fmt.Errorf("sample event %s is %s, not CustomMessage_%s", file, ev.TriggerSource, source)
	}

	attrs := ev.Request.UserAttributes
	address := map[string]string{"email": "email", "sms": "phone_number"}[medium]
	if attrs[address] == "" {
		return nil, "", fmt.Errorf("sample event %s has no %s attribute for MEDIUM=%s", file, address, medium)
	}
	attrs[address+"_verified"] = fmt.Sprint(provenSources[source])

	if spec.ClientID != "" {
		ev.CallerContext.ClientID = spec.ClientID
	}
	code := "{####}"
	ev.Request.CodeParameter = &code
	ev.Request.UsernameParameter = nil
	if source == "AdminCreateUser" {
		username := "{username}"
		ev.Request.UsernameParameter = &username
	}
	if locale != "" {
		if _, has := attrs["locale"]; has || source == "Authentication" {
			attrs["locale"] = locale
		}
		ev.Request.ClientMetadata = nil
		if source != "Authentication" {
			ev.Request.ClientMetadata = map[string]string{"locale": locale}
		}
		name = stem + "-" + fileSafe.ReplaceAllString(locale, "_") + ".json"
	} else {
		name = stem + ".json"
	}
	ev.Response.SMSMessage, ev.Response.EmailMessage, ev.Response.EmailSubject = nil, nil, nil

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ev); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), name, nil
}

// kebab spells a source as the sample files do: ForgotPassword → forgot-password.
func kebab(source string) string {
	var b strings.Builder
	for i, r := range source {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
