//go:build e2e

// The end-to-end scenarios: `make e2e`. They need node_modules (npm ci: cognito-local) and the AWS
// CLI on PATH; everything runs on loopback and is stopped at the end, also on failure.
package e2e_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cognito-custom-message/internal/e2e"
	"cognito-custom-message/internal/lambdarie"
	"cognito-custom-message/messages"
	"cognito-custom-message/templates"
)

const (
	code     = "493817" // cognito-local's CODE: every code and temporary password
	password = "Correct-Horse-9!"
	appName  = "Example"
)

type env struct {
	t      *testing.T
	h      *e2e.Harness
	ctx    context.Context
	poolID string
	client string
}

// setup starts cognito-local, the recorder and this checkout's function, and creates a pool with an
// app client; options adjust the harness (e.g. TriggerArn).
func setup(t *testing.T, options ...func(*e2e.Options)) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bootstrap := filepath.Join(t.TempDir(), "bootstrap")
	if err := lambdarie.Build(ctx, root, "./handler", bootstrap, ""); err != nil {
		t.Fatal(err)
	}
	log := &lambdarie.SyncBuffer{}
	opts := e2e.Options{
		Root: root, Bootstrap: bootstrap, Code: code, Log: log,
		Env: []string{"APP_NAME=" + appName, "DEFAULT_LOCALE=en"},
	}
	for _, o := range options {
		o(&opts)
	}
	return start(t, ctx, opts, log, "e2e")
}

// start starts the harness (stopped at the test's end; log, which opts.Log writes to, is shown if
// the test failed) and creates a pool named poolName, auto-verifying email, with one app client.
func start(t *testing.T, ctx context.Context, opts e2e.Options, log *lambdarie.SyncBuffer, poolName string) *env {
	t.Helper()
	h, err := e2e.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("emulators, cognito-local and CLI log:\n%s\nfunction log:\n%s", log.String(), h.FunctionLog())
		}
		h.Stop()
	})
	e := &env{t: t, h: h, ctx: ctx}
	var pool struct{ UserPool struct{ Id string } }
	e.aws(&pool, "cognito-idp", "create-user-pool", "--pool-name", poolName, "--auto-verified-attributes", "email")
	e.poolID = pool.UserPool.Id
	var client struct{ UserPoolClient struct{ ClientId string } }
	e.aws(&client, "cognito-idp", "create-user-pool-client", "--user-pool-id", e.poolID, "--client-name", "app")
	e.client = client.UserPoolClient.ClientId
	if e.poolID == "" || e.client == "" {
		t.Fatalf("no pool or client: %q %q", e.poolID, e.client)
	}
	return e
}

func (e *env) aws(v any, args ...string) {
	e.t.Helper()
	if err := e.h.AWSJSON(e.ctx, v, args...); err != nil {
		e.t.Fatal(err)
	}
}

// call runs a CLI command and returns the one trigger invocation it caused.
func (e *env) call(v any, args ...string) e2e.Invocation {
	e.t.Helper()
	mark := len(e.h.Invocations())
	e.aws(v, args...)
	inv := e.h.Invocations()
	if len(inv) != mark+1 {
		e.t.Fatalf("%d trigger invocations for %s; want 1", len(inv)-mark, args[1])
	}
	if inv[mark].Err != nil {
		e.t.Fatalf("trigger failed: %v", inv[mark].Err)
	}
	return inv[mark]
}

// expectMessage checks that the trigger saw source and answered with exactly what the catalog
// renders for locale, within Cognito's rules.
func (e *env) expectMessage(inv e2e.Invocation, source, locale string, data messages.Data) e2e.Response {
	e.t.Helper()
	ev, err := inv.Event()
	if err != nil {
		e.t.Fatal(err)
	}
	if ev.TriggerSource != "CustomMessage_"+source {
		e.t.Fatalf("trigger source %q; want CustomMessage_%s", ev.TriggerSource, source)
	}
	resp, err := inv.Response()
	if err != nil {
		e.t.Fatal(err)
	}
	if resp.EmailSubject == nil || resp.EmailMessage == nil || resp.SMSMessage == nil {
		e.t.Fatalf("reply has null messages: %s", inv.Reply)
	}
	data.Code, data.AppName = "{####}", appName
	if !messages.NameChannels(source, ev.Request.UserAttributes).Email {
		data.Name = "" // never a name where the recipient is not proven (sign-up spam)
	}
	ph := messages.Placeholders{Code: "{####}"}
	if source == "AdminCreateUser" {
		data.Username, ph.Username = "{username}", "{username}"
	}
	want, err := templates.Embedded().Render(locale, source, data)
	if err != nil {
		e.t.Fatal(err)
	}
	got := messages.Message{Subject: *resp.EmailSubject, Email: *resp.EmailMessage, SMS: *resp.SMSMessage}
	if got != want {
		e.t.Errorf("%s reply is not the %s message\ngot subject %q, sms %q\nwant subject %q, sms %q", source, locale, got.Subject, got.SMS, want.Subject, want.SMS)
	}
	if err := messages.Check(got, ph); err != nil {
		e.t.Errorf("reply breaks Cognito's rules: %v", err)
	}
	return resp
}

// lastDelivery is the latest message cognito-local delivered, with the real code in it.
func (e *env) lastDelivery(subject string) e2e.Delivery {
	e.t.Helper()
	d := e.h.Deliveries()
	if len(d) == 0 {
		e.t.Fatal("cognito-local delivered nothing")
	}
	last := d[len(d)-1]
	if last.EmailSubject != subject {
		e.t.Errorf("delivered subject %q; want %q", last.EmailSubject, subject)
	}
	if last.Code != code || !strings.Contains(last.EmailMessage, code) || strings.Contains(last.EmailMessage, "{####}") {
		e.t.Errorf("delivered message does not carry the real code %s:\n%+v", code, last)
	}
	return last
}

func (e *env) signUp(email string, metadata string, attrs ...string) e2e.Invocation {
	e.t.Helper()
	args := []string{"cognito-idp", "sign-up", "--client-id", e.client, "--username", email, "--password", password}
	if len(attrs) > 0 {
		args = append(args, append([]string{"--user-attributes"}, attrs...)...)
	}
	if metadata != "" {
		args = append(args, "--client-metadata", metadata)
	}
	inv := e.call(nil, args...)
	e.aws(nil, "cognito-idp", "admin-confirm-sign-up", "--user-pool-id", e.poolID, "--username", email)
	return inv
}

func (e *env) signIn(email string) string {
	e.t.Helper()
	var auth struct{ AuthenticationResult struct{ AccessToken string } }
	e.aws(&auth, "cognito-idp", "initiate-auth", "--client-id", e.client, "--auth-flow", "USER_PASSWORD_AUTH",
		"--auth-parameters", "USERNAME="+email+",PASSWORD="+password)
	if auth.AuthenticationResult.AccessToken == "" {
		e.t.Fatal("no access token")
	}
	return auth.AuthenticationResult.AccessToken
}

type codeDelivery struct {
	CodeDeliveryDetails *struct{ Destination, DeliveryMedium, AttributeName string }
}

// checkDeliveryDetails asserts the CLI's CodeDeliveryDetails where the server provides them:
// real Cognito returns them; cognito-local's GetUserAttributeVerificationCode answers {}.
func (e *env) checkDeliveryDetails(out codeDelivery) {
	e.t.Helper()
	d := out.CodeDeliveryDetails
	if d == nil {
		e.t.Log("server returned no CodeDeliveryDetails (cognito-local answers {}); not asserted")
		return
	}
	if d.AttributeName != "email" || d.DeliveryMedium != "EMAIL" || d.Destination == "" {
		e.t.Errorf("CodeDeliveryDetails %+v", *d)
	}
}

// TestVerificationCodeThroughTheCLI is the seed scenario and its variants: sign up (French), sign in,
// get-user-attribute-verification-code with --client-metadata locale=de, the same with
// --cli-input-json, and verify-user-attribute with the delivered code.
func TestVerificationCodeThroughTheCLI(t *testing.T) {
	e := setup(t)
	const email = "lena@example.com"

	inv := e.signUp(email, "locale=fr", "Name=given_name,Value=Léna")
	resp := e.expectMessage(inv, "SignUp", "fr", messages.Data{Name: "Léna"})
	e.lastDelivery(*resp.EmailSubject)
	if ev, _ := inv.Event(); ev.Request.ClientMetadata["locale"] != "fr" {
		t.Errorf("sign-up metadata %v", ev.Request.ClientMetadata)
	}

	token := e.signIn(email)

	t.Run("get-user-attribute-verification-code --client-metadata locale=de", func(t *testing.T) {
		var out codeDelivery
		inv := e.call(&out, "cognito-idp", "get-user-attribute-verification-code", "--access-token", token,
			"--attribute-name", "email", "--client-metadata", "locale=de")
		e.checkDeliveryDetails(out)
		ev, _ := inv.Event()
		if ev.Request.ClientMetadata["locale"] != "de" {
			t.Errorf("trigger saw metadata %v; want locale=de", ev.Request.ClientMetadata)
		}
		resp := e.expectMessage(inv, "VerifyUserAttribute", "de", messages.Data{Name: "Léna"})
		if !strings.HasPrefix(*resp.EmailSubject, "Bestätigen Sie Ihre E-Mail-Adresse") {
			t.Errorf("subject %q is not German", *resp.EmailSubject)
		}
		e.lastDelivery(*resp.EmailSubject)
	})

	t.Run("--cli-input-json from --generate-cli-skeleton", func(t *testing.T) {
		skeleton, err := e.h.AWS(e.ctx, "cognito-idp", "get-user-attribute-verification-code", "--generate-cli-skeleton", "input")
		if err != nil {
			t.Fatal(err)
		}
		var input map[string]any
		if err := json.Unmarshal(skeleton, &input); err != nil {
			t.Fatalf("skeleton: %v", err)
		}
		for _, k := range []string{"AccessToken", "AttributeName", "ClientMetadata"} {
			if _, ok := input[k]; !ok {
				t.Fatalf("skeleton lacks %s: %s", k, skeleton)
			}
		}
		input["AccessToken"], input["AttributeName"] = token, "email"
		input["ClientMetadata"] = map[string]string{"locale": "de-AT"}
		file := filepath.Join(t.TempDir(), "input.json")
		b, _ := json.Marshal(input)
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		var out codeDelivery
		inv := e.call(&out, "cognito-idp", "get-user-attribute-verification-code", "--cli-input-json", "file://"+file)
		e.checkDeliveryDetails(out)
		resp := e.expectMessage(inv, "VerifyUserAttribute", "de", messages.Data{Name: "Léna"})
		e.lastDelivery(*resp.EmailSubject)
	})

	t.Run("hostile metadata: default locale, nothing echoed", func(t *testing.T) {
		inv := e.call(nil, "cognito-idp", "get-user-attribute-verification-code", "--access-token", token,
			"--attribute-name", "email", "--client-metadata", "locale=../../x,appName=<script>alert(1)</script>")
		ev, _ := inv.Event()
		if ev.Request.ClientMetadata["appName"] != "<script>alert(1)</script>" || ev.Request.ClientMetadata["locale"] != "../../x" {
			t.Fatalf("the CLI did not pass the hostile metadata through: %v", ev.Request.ClientMetadata)
		}
		resp := e.expectMessage(inv, "VerifyUserAttribute", "en", messages.Data{Name: "Léna"})
		all := *resp.EmailSubject + *resp.EmailMessage + *resp.SMSMessage
		if strings.Contains(all, "script") || strings.Contains(all, "../") {
			t.Errorf("metadata echoed into the message")
		}
	})

	t.Run("verify-user-attribute with the delivered code", func(t *testing.T) {
		delivered := e.h.Deliveries()
		last := delivered[len(delivered)-1]
		e.aws(nil, "cognito-idp", "verify-user-attribute", "--access-token", token, "--attribute-name", "email", "--code", last.Code)
		var user struct {
			UserAttributes []struct{ Name, Value string }
		}
		e.aws(&user, "cognito-idp", "get-user", "--access-token", token)
		verified := ""
		for _, a := range user.UserAttributes {
			if a.Name == "email_verified" {
				verified = a.Value
			}
		}
		if verified != "true" {
			t.Errorf("email_verified = %q after verify-user-attribute; want true", verified)
		}
	})
}

// TestSignUpSpam: a stranger signs up with a victim's address and a phishing line as the name. The
// sign-up mail (and the attribute-change mail, where an account holder points the email at the
// victim) carries none of it, and sign-up still works.
func TestSignUpSpam(t *testing.T) {
	e := setup(t)
	const (
		victim = "victim@example.com"
		phish  = "Account locked! Restore at https://evil.example/r"
	)
	hostile := []string{"evil", "Restore", "Account locked"}
	check := func(inv e2e.Invocation, source string) {
		t.Helper()
		if ev, _ := inv.Event(); ev.Request.UserAttributes["given_name"] != phish {
			t.Fatalf("%s: the trigger did not see the hostile name: %v", source, ev.Request.UserAttributes["given_name"])
		}
		resp := e.expectMessage(inv, source, "en", messages.Data{})
		d := e.lastDelivery(*resp.EmailSubject)
		for _, s := range hostile {
			if strings.Contains(*resp.EmailSubject+*resp.EmailMessage+*resp.SMSMessage, s) || strings.Contains(d.EmailMessage, s) {
				t.Errorf("%s: attacker text %q reached the message", source, s)
			}
		}
	}
	check(e.signUp(victim, "locale=en", "Name=given_name,Value="+phish, "Name=name,Value=Visit evil.example now"), "SignUp")

	const attacker = "mallory@example.org"
	e.signUp(attacker, "", "Name=given_name,Value=Mallory")
	token := e.signIn(attacker)
	inv := e.call(nil, "cognito-idp", "update-user-attributes", "--access-token", token,
		"--user-attributes", "Name=given_name,Value="+phish, "Name=email,Value=victim2@example.com")
	check(inv, "UpdateUserAttribute")
}

// TestLocaleAttribute: no metadata, the user's locale attribute (ja-JP) decides.
func TestLocaleAttribute(t *testing.T) {
	e := setup(t)
	const email = "taro@example.jp"
	inv := e.signUp(email, "", "Name=locale,Value=ja-JP", "Name=name,Value=山田 太郎")
	if ev, _ := inv.Event(); len(ev.Request.ClientMetadata) != 0 {
		t.Fatalf("metadata %v; want none", ev.Request.ClientMetadata)
	}
	resp := e.expectMessage(inv, "SignUp", "ja", messages.Data{Name: "山田 太郎"})
	e.lastDelivery(*resp.EmailSubject)

	token := e.signIn(email)
	var out codeDelivery
	inv = e.call(&out, "cognito-idp", "get-user-attribute-verification-code", "--access-token", token, "--attribute-name", "email")
	e.checkDeliveryDetails(out)
	resp = e.expectMessage(inv, "VerifyUserAttribute", "ja", messages.Data{Name: "山田 太郎"})
	if !strings.Contains(*resp.EmailSubject, "メールアドレスの確認") {
		t.Errorf("subject %q is not Japanese", *resp.EmailSubject)
	}
	e.lastDelivery(*resp.EmailSubject)
}

// TestOtherSources: forgot-password in Spanish (and the delivered code resets the password),
// update-user-attributes of the email in Italian, admin-create-user as a Chinese invitation.
func TestOtherSources(t *testing.T) {
	e := setup(t)
	const email = "lucia@example.es"
	e.signUp(email, "locale=es")

	t.Run("forgot-password, es", func(t *testing.T) {
		var out codeDelivery
		inv := e.call(&out, "cognito-idp", "forgot-password", "--client-id", e.client, "--username", email, "--client-metadata", "locale=es-MX")
		resp := e.expectMessage(inv, "ForgotPassword", "es", messages.Data{})
		d := e.lastDelivery(*resp.EmailSubject)
		e.aws(nil, "cognito-idp", "confirm-forgot-password", "--client-id", e.client, "--username", email,
			"--confirmation-code", d.Code, "--password", password+"x")
		var auth struct{ AuthenticationResult struct{ AccessToken string } }
		e.aws(&auth, "cognito-idp", "initiate-auth", "--client-id", e.client, "--auth-flow", "USER_PASSWORD_AUTH",
			"--auth-parameters", "USERNAME="+email+",PASSWORD="+password+"x")
		if auth.AuthenticationResult.AccessToken == "" {
			t.Error("the delivered reset code did not set the new password")
		}
		e.aws(nil, "cognito-idp", "admin-set-user-password", "--user-pool-id", e.poolID, "--username", email, "--password", password, "--permanent")
	})

	t.Run("update-user-attributes email, it", func(t *testing.T) {
		token := e.signIn(email)
		inv := e.call(nil, "cognito-idp", "update-user-attributes", "--access-token", token,
			"--user-attributes", "Name=email,Value=lucia.nuova@example.it", "--client-metadata", "locale=it")
		resp := e.expectMessage(inv, "UpdateUserAttribute", "it", messages.Data{})
		e.lastDelivery(*resp.EmailSubject)
	})

	t.Run("admin-create-user, zh-Hans invitation", func(t *testing.T) {
		const invitee = "wang.fang@example.cn"
		inv := e.call(nil, "cognito-idp", "admin-create-user", "--user-pool-id", e.poolID, "--username", invitee,
			"--user-attributes", "Name=email,Value="+invitee, "Name=locale,Value=zh-CN", "Name=name,Value=王芳",
			"--desired-delivery-mediums", "EMAIL")
		resp := e.expectMessage(inv, "AdminCreateUser", "zh-Hans", messages.Data{Name: "王芳"})
		d := e.lastDelivery(*resp.EmailSubject)
		if d.Username == "" || !strings.Contains(d.EmailMessage, d.Username) || strings.Contains(d.EmailMessage, "{username}") {
			t.Errorf("invitation does not carry the username %q", d.Username)
		}
		if !strings.Contains(d.SMSMessage, code) || !strings.Contains(d.SMSMessage, d.Username) {
			t.Errorf("invitation SMS %q lacks the username or temporary password", d.SMSMessage)
		}
	})
}
