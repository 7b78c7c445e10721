package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cognito-custom-message/internal/atomail"
	"cognito-custom-message/internal/atoprog"
	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
	"cognito-custom-message/trigger"
)

// atoNow is the clock of these tests: LOGIN_TIME must not be more than a day after it.
var atoNow = time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)

// atoEvent is an account-takeover event as Cognito sends it: no code, the sign-in in the user
// attributes (names from the developer guide and @types/aws-lambda).
func atoEvent(attrs map[string]any) Event {
	var ev Event
	ev.Version, ev.TriggerSource, ev.Region = "1", "CustomEmailSender_AccountTakeOverNotification", "eu-west-1"
	ev.UserPoolID, ev.UserName = "eu-west-1_test", "9f1c2a7e-user"
	ev.CallerContext.ClientID = "web-client"
	ev.Request.Type = "customEmailSenderRequestV1"
	base := map[string]any{
		"sub": "9f1c2a7e-0000", "email": "owner@example.net", "email_verified": "true",
		"EVENT_ID": "ev-1", "USER_NAME": "mallory-chose-this", "FEEDBACK_TOKEN": "fb-token",
		"ACCOUNT_TAKE_OVER_ACTION": "BLOCK",
		"IP_ADDRESS":               "203.0.113.7",
		"LOGIN_TIME":               "2026-12-02T01:23:45Z",
		"CITY":                     "Berlin", "COUNTRY": "Germany",
		"DEVICE_NAME":            "Firefox 133, Windows 11",
		"ONE_CLICK_LINK_VALID":   "https://auth.example.com/confirm?token=v1",
		"ONE_CLICK_LINK_INVALID": "https://auth.example.com/deny?token=i1",
	}
	for k, v := range attrs {
		if v == nil {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	ev.Request.UserAttributes = base
	return ev
}

type atoWorld struct {
	s    *Sender
	mail *recordingMailer
	logs *bytes.Buffer
}

func newATOWorld(t *testing.T, opts ...trigger.Option) *atoWorld {
	t.Helper()
	w := &atoWorld{mail: &recordingMailer{}, logs: &bytes.Buffer{}}
	opts = append([]trigger.Option{trigger.WithAppName("Example"), trigger.WithPlainText()}, opts...)
	w.s = New(trigger.New(messages.Compiled(), opts...), nil, w.mail, nil, slog.New(slog.NewJSONHandler(w.logs, nil)))
	w.s.now = func() time.Time { return atoNow }
	return w
}

func (w *atoWorld) log(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(w.logs.Bytes()), &m); err != nil {
		t.Fatalf("log %q: %v", w.logs.String(), err)
	}
	return m
}

// withRenderers gives the test its own trees (brands, an RTL locale) for the duration of the test.
// The trees are compiled here as `make generate` compiles the shipped one.
func withRenderers(t *testing.T, shipped atomail.Tree, brands map[string]atomail.Tree) {
	t.Helper()
	compile := func(tree atomail.Tree) atoprog.Tree {
		c, err := atomail.Compile(tree)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	compiled := map[string]atoprog.Tree{}
	for name, tree := range brands {
		compiled[name] = compile(tree)
	}
	rs := renderersOf(compile(shipped), compiled)
	old := atoRenderers
	atoRenderers = func() map[string]*atoprog.Renderer { return rs }
	t.Cleanup(func() { atoRenderers = old })
}

// atoShipped is the shipped tree's source, which the tests vary (a locale less, a brand) and
// compile with withRenderers; the sender itself embeds only atoCompiled.
var atoShipped = func() atomail.Tree {
	tree, err := templates.Embedded().ATOTree()
	if err != nil {
		panic(err)
	}
	return tree
}()

// The whole mail, English, blocked, every detail: what is shown, what never is, the text part,
// Content-Language, the log.
func TestATOSendsEnglishWithDetails(t *testing.T) {
	w := newATOWorld(t)
	if err := w.s.Handle(context.Background(), atoEvent(nil)); err != nil {
		t.Fatal(err)
	}
	if len(w.mail.sent) != 1 {
		t.Fatalf("%d mails; want 1", len(w.mail.sent))
	}
	m := w.mail.sent[0]
	if m.To != "owner@example.net" || m.Locale != "en" || m.Source != "AccountTakeOverNotification" || m.Brand != "default" {
		t.Errorf("To %q, Locale (Content-Language) %q, Source %q, Brand %q", m.To, m.Locale, m.Source, m.Brand)
	}
	if want := "We blocked a sign-in attempt to your Example account"; m.Subject != want {
		t.Errorf("subject %q; want %q", m.Subject, want)
	}
	for _, want := range []string{
		`<html lang="en" dir="ltr">`, "because it looked unusual",
		"Time: <bdi>2026-12-02 01:23 UTC</bdi>", "Approximate location: <bdi>Berlin, Germany</bdi>",
		"IP address: <bdi>203.0.113.7</bdi>", "Device: <bdi>Firefox 133, Windows 11</bdi>",
		`<a href="https://auth.example.com/deny?token=i1" style="color:#2563eb;">This wasn&#39;t me</a>`,
		`<a href="https://auth.example.com/confirm?token=v1" style="color:#2563eb;">This was me</a>`,
	} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, want := range []string{"Time: 2026-12-02 01:23 UTC", "Approximate location: Berlin, Germany", "IP address: 203.0.113.7",
		"Device: Firefox 133, Windows 11", "This wasn't me (https://auth.example.com/deny?token=i1)"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, m.Text)
		}
	}
	// No username (attacker-chosen or a UUID), no IDs or tokens of the event.
	for _, never := range []string{"mallory-chose-this", "9f1c2a7e", "fb-token", "ev-1"} {
		if strings.Contains(m.HTML+m.Subject+m.Text, never) {
			t.Errorf("the mail shows %q", never)
		}
	}
	if strings.Contains(m.Text, "<") {
		t.Errorf("markup in the text part:\n%s", m.Text)
	}
	l := w.log(t)
	if l["outcome"] != "sent" || l["trigger_source"] != "AccountTakeOverNotification" || l["rendered_locale"] != "en" || l["fallback"] != "none" {
		t.Errorf("log %v", l)
	}
	for _, secret := range []string{"owner@example.net", "203.0.113.7", "Berlin", "Firefox", "token="} {
		if strings.Contains(w.logs.String(), secret) {
			t.Errorf("log holds %q: %s", secret, w.logs.String())
		}
	}
}

// Attacker text and bad values are omitted, never echoed, and the mail still goes out.
func TestATOOmitsHostileValues(t *testing.T) {
	w := newATOWorld(t)
	ev := atoEvent(map[string]any{
		"DEVICE_NAME":            "Win a prize at prize-claims.example now",
		"CITY":                   "Call +1 (555) 010-9999",
		"COUNTRY":                "\u202eynamreG",
		"IP_ADDRESS":             "203.0.113.7, evil.example",
		"LOGIN_TIME":             "yesterday at noon",
		"ONE_CLICK_LINK_VALID":   "http://auth.example.com/confirm",
		"ONE_CLICK_LINK_INVALID": "javascript:alert(1)",
	})
	if err := w.s.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	m := w.mail.sent[0]
	for _, never := range []string{"prize", "555", "ynamreG", "\u202e", "evil.example", "yesterday", "http://", "javascript", "Time:", "Location:", "IP address:", "Device:", "href="} {
		if strings.Contains(m.HTML, never) || strings.Contains(m.Text, never) || strings.Contains(m.Subject, never) {
			t.Errorf("the mail shows %q", never)
		}
	}
	// Without links and details the wording says what to do without them; a blocked attempt is
	// not told "if this was you, you don't need to do anything" (the owner's own sign-in failed).
	if want := "change your password as soon as possible."; !strings.Contains(m.Text, want) {
		t.Errorf("text lacks %q:\n%s", want, m.Text)
	}
	if never := "you don't need to do anything"; strings.Contains(m.Text, never) {
		t.Errorf("a blocked attempt's mail says %q:\n%s", never, m.Text)
	}
}

func TestATODetail(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Firefox 133, Windows 11", "Firefox 133, Windows 11"},
		{"  Chrome 120.0.6099.130 on macOS 14  ", "Chrome 120.0.6099.130 on macOS 14"},
		{"São Paulo", "São Paulo"},
		{"St. Louis", "St. Louis"},
		{"القاهرة", "القاهرة"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), ""}, // omitted, never cut
		{"", ""},
		{"see https://evil.example", ""},
		{"evil.example", ""},
		{"EVIL.EXAMPLE/win", ""},
		{"пример.рф", ""},
		{"evil。example", ""},
		{"www.prizes", ""},
		{"mail me: a@b", ""},
		{"mailto:x", ""},
		{"build 19045", ""},
		{"+1 (555) 010-9999", ""},
		{"0049 30 1234 56", ""},
		// Dotted and Unicode-dashed numbers: phones' data detectors link them too.
		{"Call 555.123.4567", ""},
		{"call 1.800.555.0199", ""},
		{"Call 555‑123‑4567", ""},
		{"Call 555–123–4567", ""},
		{"Safari 605.1.15, macOS 10.15.7", "Safari 605.1.15, macOS 10.15.7"},
		{"Edge 131.0.2903.86", "Edge 131.0.2903.86"},
		{"Chrome\u00a0120", ""},
		{"Chrome\u202e120", ""},
		{"Chrome\u200b", ""},
		{"line\nbreak", ""},
		{"bad \xff utf8", ""},
	} {
		if got := detail(c.in); got != c.want {
			t.Errorf("detail(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestATOIPAddress(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{" 2001:DB8::1 ", "2001:db8::1"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"fe80::1%eth0", ""},
		{"999.1.1.1", ""},
		{"203.0.113.7 evil.example", ""},
		{"", ""},
	} {
		if got := ipAddress(c.in); got != c.want {
			t.Errorf("ipAddress(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestATOLoginTime(t *testing.T) {
	const want = "2026-12-02 01:23 UTC"
	for _, c := range []struct{ in, want string }{
		{"2026-12-02T01:23:45Z", want},
		{"2026-12-02T01:23:45.123Z", want},
		{"2026-12-02T02:23:45+01:00", want},
		{"2026-12-02 01:23:45Z", want},
		{"20261202T012345Z", want},
		{"1796174625", want},    // epoch seconds
		{"1796174625123", want}, // epoch milliseconds
		{"1796174625.5", want},
		{"Wed Dec 02 01:23:45 UTC 2026", want}, // Java's Date.toString
		{"Wed, 02 Dec 2026 01:23:45 GMT", want},
		{"Wed Dec 02 01:23:45 PST 2026", ""}, // Go cannot know PST's offset from its name
		{"2026-12-02T01:23:45", ""},          // no zone
		{"2026-12-04T01:23:45Z", ""},         // more than a day ahead
		{"1999-12-31T23:59:59Z", ""},
		{"12345", ""},
		{"tomorrow", ""},
		{"", ""},
	} {
		if got := loginTime(c.in, atoNow); got != c.want {
			t.Errorf("loginTime(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestATOLinks(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://auth.example.com/confirm?token=a%2Bb", "https://auth.example.com/confirm?token=a%2Bb"},
		{"HTTPS://auth.example.com/x", "HTTPS://auth.example.com/x"},
		{"http://auth.example.com/confirm", ""},
		{"javascript:alert(1)", ""},
		{"//auth.example.com/x", ""},
		{"/relative", ""},
		{"https://good.example@evil.example/", ""},
		{"https:opaque", ""},
		{"https://auth.example.com/a b", ""},
		{"https://auth.example.com/\u202e", ""},
		{"", ""},
	} {
		if got := httpsLink(c.in); got != c.want {
			t.Errorf("httpsLink(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

// Each ACCOUNT_TAKE_OVER_ACTION gets its wording; what Cognito may add later gets the neutral one.
func TestATOActions(t *testing.T) {
	for _, c := range []struct{ action, subject, body string }{
		{"BLOCK", "We blocked a sign-in attempt to your Example account", "because it looked unusual"},
		{"MFA", "Unusual sign-in attempt to your Example account", "asked for an extra verification step"},
		{"MFA_IF_CONFIGURED", "Unusual sign-in attempt to your Example account", "asked for an extra verification step"},
		{"MFA_REQUIRED", "Unusual sign-in attempt to your Example account", "asked for an extra verification step"},
		{"NO_ACTION", "Unusual sign-in to your Example account", "We noticed an unusual sign-in"},
		{"QUARANTINE", "Unusual sign-in to your Example account", "We noticed an unusual sign-in"},
		{"", "Unusual sign-in to your Example account", "We noticed an unusual sign-in"}, // absent
	} {
		w := newATOWorld(t)
		var attrs map[string]any
		if c.action == "" {
			attrs = map[string]any{"ACCOUNT_TAKE_OVER_ACTION": nil}
		} else {
			attrs = map[string]any{"ACCOUNT_TAKE_OVER_ACTION": c.action}
		}
		if err := w.s.Handle(context.Background(), atoEvent(attrs)); err != nil {
			t.Fatal(err)
		}
		m := w.mail.sent[0]
		if m.Subject != c.subject || !strings.Contains(m.HTML, c.body) {
			t.Errorf("%q: subject %q, body has %q: %v", c.action, m.Subject, c.body, strings.Contains(m.HTML, c.body))
		}
	}
}

// No mail to an address nobody has proven, nor without one: nil (retrying decides the same), logged.
func TestATORecipient(t *testing.T) {
	for _, c := range []struct {
		name      string
		attrs     map[string]any
		errorCode string
	}{
		{"unverified", map[string]any{"email_verified": "false"}, "unverified_recipient"},
		{"verified missing", map[string]any{"email_verified": nil}, "unverified_recipient"},
		{"verified not exactly true", map[string]any{"email_verified": "True "}, "unverified_recipient"},
		{"no email", map[string]any{"email": nil}, "no_recipient"},
		{"blank email", map[string]any{"email": "  "}, "no_recipient"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newATOWorld(t)
			if err := w.s.Handle(context.Background(), atoEvent(c.attrs)); err != nil {
				t.Fatalf("got %v; want nil", err)
			}
			if len(w.mail.sent) != 0 {
				t.Fatalf("%d mails sent", len(w.mail.sent))
			}
			if l := w.log(t); l["outcome"] != "skipped" || l["error_code"] != c.errorCode || l["level"] != "WARN" {
				t.Errorf("log %v; want skipped/%s", l, c.errorCode)
			}
			if strings.Contains(w.logs.String(), "owner@example.net") {
				t.Error("the log holds the address")
			}
		})
	}
	// JSON true, as old samples have it, proves the address as in CustomMessage mode.
	w := newATOWorld(t)
	if err := w.s.Handle(context.Background(), atoEvent(map[string]any{"email_verified": true})); err != nil || len(w.mail.sent) != 1 {
		t.Errorf("email_verified JSON true: %v, %d mails", err, len(w.mail.sent))
	}
}

// Missing details altogether (an event with only the address): the neutral mail, no empty labels.
func TestATOMissingAttributes(t *testing.T) {
	w := newATOWorld(t)
	attrs := map[string]any{}
	for _, k := range []string{"ACCOUNT_TAKE_OVER_ACTION", "IP_ADDRESS", "LOGIN_TIME", "CITY", "COUNTRY", "DEVICE_NAME", "ONE_CLICK_LINK_VALID", "ONE_CLICK_LINK_INVALID"} {
		attrs[k] = nil
	}
	if err := w.s.Handle(context.Background(), atoEvent(attrs)); err != nil {
		t.Fatal(err)
	}
	m := w.mail.sent[0]
	if m.Subject != "Unusual sign-in to your Example account" || strings.Contains(m.HTML, "<bdi>") && strings.Contains(m.HTML, "Time:") {
		t.Errorf("subject %q / HTML with details", m.Subject)
	}
	// Only a city: the place is the city alone.
	w = newATOWorld(t)
	if err := w.s.Handle(context.Background(), atoEvent(map[string]any{"COUNTRY": nil})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.mail.sent[0].Text, "Approximate location: Berlin\n") {
		t.Errorf("text:\n%s", w.mail.sent[0].Text)
	}
}

// A locale without ATO files (a tree where Arabic has none, as a locale added without them would)
// gets the default locale, logged as a fallback; the same locale with files renders right to left.
func TestATOLocaleFallbackAndRTL(t *testing.T) {
	enOnly := atoShipped
	enOnly.Locales = map[string]atomail.Locale{"en": atoShipped.Locales["en"]}
	withRenderers(t, enOnly, nil)
	w := newATOWorld(t)
	if err := w.s.Handle(context.Background(), atoEvent(map[string]any{"locale": "ar"})); err != nil {
		t.Fatal(err)
	}
	m := w.mail.sent[0]
	if m.Locale != "en" || !strings.Contains(m.HTML, `dir="ltr"`) {
		t.Errorf("locale %q", m.Locale)
	}
	if l := w.log(t); l["fallback"] != "default_locale" || l["rendered_locale"] != "en" || l["level"] != "INFO" {
		t.Errorf("log %v", l)
	}

	// clientMetadata before the attribute, as in CustomMessage mode: a tree where ar has the files.
	tree := atoShipped
	tree.Locales = map[string]atomail.Locale{"en": atoShipped.Locales["en"]}
	ar := atoShipped.Locales["en"]
	ar.Lang, ar.Dir = "ar", "rtl"
	ar.Subject = "تسجيل دخول غير معتاد إلى حساب {{.AppName}}\n"
	tree.Locales["ar"] = ar
	withRenderers(t, tree, nil)
	w = newATOWorld(t)
	ev := atoEvent(map[string]any{"locale": "de"})
	ev.Request.ClientMetadata = map[string]string{"locale": "ar-EG"}
	if err := w.s.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	m = w.mail.sent[0]
	if m.Locale != "ar" || !strings.Contains(m.HTML, `<html lang="ar" dir="rtl">`) || !strings.Contains(m.HTML, `align="right"`) ||
		!strings.Contains(m.HTML, "<bdi>203.0.113.7</bdi>") || m.Subject != "تسجيل دخول غير معتاد إلى حساب Example" {
		t.Errorf("locale %q subject %q", m.Locale, m.Subject)
	}
	if l := w.log(t); l["fallback"] != "none" {
		t.Errorf("log %v", l)
	}
}

// A brand, chosen by the app client as for every other mail: its product name, logo, accent and
// support line, and Email.Brand, by which SES picks its From, Reply-To and configuration set.
func TestATOBrand(t *testing.T) {
	nw := atoShipped
	nw.Brand = atomail.Brand{Logo: "https://cdn.northwind.example/logo.png", LogoWidth: 120, LogoHeight: 30, Accent: "#0f766e", SupportURL: "https://help.northwind.example"}
	withRenderers(t, atoShipped, map[string]atomail.Tree{"northwind": nw})
	w := newATOWorld(t, trigger.WithBrands(trigger.Brand{Name: "northwind", AppName: "Northwind", ClientIDs: []string{"web-client"}, Catalog: messages.Compiled()}))
	if err := w.s.Handle(context.Background(), atoEvent(nil)); err != nil {
		t.Fatal(err)
	}
	m := w.mail.sent[0]
	if m.Brand != "northwind" || m.Subject != "We blocked a sign-in attempt to your Northwind account" {
		t.Errorf("brand %q subject %q", m.Brand, m.Subject)
	}
	for _, want := range []string{`<img src="https://cdn.northwind.example/logo.png" width="120" height="30" alt="Northwind"`, "border-top:4px solid #0f766e", `href="https://help.northwind.example"`} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	ids := Identities{Default: Identity{From: "no-reply@example.com"}, Brands: BrandIdentities([]messages.Brand{{Name: "northwind", Sender: messages.Sender{FromEmail: "no-reply@northwind.example", FromName: "Northwind"}}}, Identity{From: "no-reply@example.com"})}
	if got := ids.of(m.Brand).From; !strings.Contains(got, "no-reply@northwind.example") {
		t.Errorf("From %q; want the brand's", got)
	}
	if l := w.log(t); l["brand"] != "northwind" {
		t.Errorf("log %v", l)
	}
}

// The SMS sender has no account-takeover source: unknown, nothing sent.
func TestATOIsEmailOnly(t *testing.T) {
	w := newATOWorld(t)
	ev := atoEvent(nil)
	ev.TriggerSource = "CustomSMSSender_AccountTakeOverNotification"
	if err := w.s.Handle(context.Background(), ev); err != nil || len(w.mail.sent) != 0 {
		t.Fatalf("%v, %d mails", err, len(w.mail.sent))
	}
	if l := w.log(t); l["outcome"] != "unsupported" {
		t.Errorf("log %v", l)
	}
}
