package poolattach

import (
	"context"
	"errors"
	"strings"
	"testing"
)

const oursSender = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-Sender"

func detachAll(t *testing.T, api API, id, sender string) *Detachment {
	t.Helper()
	x, err := PlanDetachAll(context.Background(), api, id, ours, sender)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Apply(context.Background(), api); err != nil {
		t.Fatal(err)
	}
	return x
}

// TestDetachSenders: on delete, the stack's own pool in customSender mode loses the custom
// senders that are ours and, with the last of them, KMSKeyID (Cognito refuses a sender without a
// key, the fake too); everything else stays, and a sender that is not ours is never touched.
func TestDetachSenders(t *testing.T) {
	const fixture = "custom-email-sender-kms"
	setSenders := func(emailArn, smsArn string) func(map[string]any) {
		return func(p map[string]any) {
			lc := p["LambdaConfig"].(map[string]any)
			lc["CustomEmailSender"] = map[string]any{"LambdaArn": emailArn, "LambdaVersion": "V1_0"}
			lc["CustomSMSSender"] = map[string]any{"LambdaArn": smsArn, "LambdaVersion": "V1_0"}
		}
	}
	t.Run("both ours: removed with the key", func(t *testing.T) {
		f, api := fake(t, fixture)
		id := fixtureID(t, fixture)
		f.Edit(id, setSenders(oursSender, oursSender))
		x := detachAll(t, api, id, oursSender)
		if x.Plan == nil || f.Calls("UpdateUserPool") != 1 {
			t.Fatalf("plan %v, %d updates; want one", x.Plan != nil, f.Calls("UpdateUserPool"))
		}
		for _, k := range []string{"CustomEmailSender", "CustomSMSSender", "KMSKeyID", "CustomMessage"} {
			if v := get(f.Pool(id), "LambdaConfig", k); v != nil {
				t.Errorf("LambdaConfig.%s = %v after the detach", k, v)
			}
		}
		for _, k := range []string{"PreSignUp", "UserMigration", "PreTokenGenerationConfig"} {
			if get(f.Pool(id), "LambdaConfig", k) == nil {
				t.Errorf("LambdaConfig.%s was lost", k)
			}
		}
		var changed []string
		for _, e := range x.Plan.Changed() {
			changed = append(changed, e.Path)
		}
		if got := strings.Join(changed, " "); got != "LambdaConfig.CustomEmailSender.LambdaArn LambdaConfig.CustomEmailSender.LambdaVersion "+
			"LambdaConfig.CustomSMSSender.LambdaArn LambdaConfig.CustomSMSSender.LambdaVersion LambdaConfig.KMSKeyID" {
			t.Errorf("changed %s", got)
		}
	})
	t.Run("the SMS sender is someone else's: it and the key stay", func(t *testing.T) {
		f, api := fake(t, fixture)
		id := fixtureID(t, fixture)
		f.Edit(id, setSenders(oursSender, someone))
		detachAll(t, api, id, oursSender)
		if get(f.Pool(id), "LambdaConfig", "CustomEmailSender") != nil {
			t.Error("our email sender is still wired")
		}
		if get(f.Pool(id), "LambdaConfig", "CustomSMSSender", "LambdaArn") != someone || get(f.Pool(id), "LambdaConfig", "KMSKeyID") == nil {
			t.Errorf("the other sender or the key was removed: %v", get(f.Pool(id), "LambdaConfig"))
		}
	})
	t.Run("not ours: left alone", func(t *testing.T) {
		f, api := fake(t, fixture)
		id := fixtureID(t, fixture)
		x := detachAll(t, api, id, oursSender)
		if x.Plan != nil || f.Calls("UpdateUserPool") != 0 || !strings.Contains(x.Note, "not \""+oursSender+"\"") {
			t.Errorf("plan %v, %d updates, note %q", x.Plan != nil, f.Calls("UpdateUserPool"), x.Note)
		}
	})
	t.Run("CustomMessage mode: the senders are not looked at", func(t *testing.T) {
		f, api := fake(t, fixture)
		id := fixtureID(t, fixture)
		f.Edit(id, setSenders(oursSender, oursSender))
		setTrigger(f, id, ours)
		detach(t, api, id)
		if trigger(f, id) != "" || get(f.Pool(id), "LambdaConfig", "CustomEmailSender") == nil || get(f.Pool(id), "LambdaConfig", "KMSKeyID") == nil {
			t.Errorf("LambdaConfig %v; want only CustomMessage removed", get(f.Pool(id), "LambdaConfig"))
		}
	})
	t.Run("both: CustomMessage and the senders", func(t *testing.T) {
		f, api := fake(t, fixture)
		id := fixtureID(t, fixture)
		f.Edit(id, setSenders(oursSender, oursSender))
		setTrigger(f, id, ours)
		detachAll(t, api, id, oursSender)
		for _, k := range []string{"CustomEmailSender", "CustomSMSSender", "KMSKeyID", "CustomMessage"} {
			if v := get(f.Pool(id), "LambdaConfig", k); v != nil {
				t.Errorf("LambdaConfig.%s = %v after the detach", k, v)
			}
		}
	})
}

const oursKey = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func attachSenders(t *testing.T, api API, id string, opt Options) (*SenderAttachment, error) {
	t.Helper()
	a, err := PlanAttachSenders(context.Background(), api, id, oursSender, oursKey, opt)
	if err != nil {
		t.Fatal(err)
	}
	return a, a.Apply(context.Background(), api)
}

// TestAttachSenders: an existing pool gets our custom senders (V1_0) and key through one checked
// update, keeps everything else (its CustomMessage trigger too), a retry changes nothing, and the
// detach takes exactly that back out.
func TestAttachSenders(t *testing.T) {
	t.Run("attach, retry, detach", func(t *testing.T) {
		f, api := fake(t, "sms-mfa")
		id := fixtureID(t, "sms-mfa")
		before := trigger(f, id)
		if _, err := attachSenders(t, api, id, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"CustomEmailSender", "CustomSMSSender"} {
			if get(f.Pool(id), "LambdaConfig", k, "LambdaArn") != oursSender || get(f.Pool(id), "LambdaConfig", k, "LambdaVersion") != "V1_0" {
				t.Errorf("LambdaConfig.%s = %v", k, get(f.Pool(id), "LambdaConfig", k))
			}
		}
		if get(f.Pool(id), "LambdaConfig", "KMSKeyID") != oursKey || trigger(f, id) != before {
			t.Errorf("KMSKeyID %v, CustomMessage %q (was %q)", get(f.Pool(id), "LambdaConfig", "KMSKeyID"), trigger(f, id), before)
		}
		n := f.Calls("UpdateUserPool")
		if a, err := attachSenders(t, api, id, Options{}); err != nil || a.Plan != nil || f.Calls("UpdateUserPool") != n {
			t.Errorf("a retry planned %v, err %v", a.Plan != nil, err)
		}
		x, err := PlanDetachAll(context.Background(), api, id, ours, oursSender)
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Apply(context.Background(), api); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"CustomEmailSender", "CustomSMSSender", "KMSKeyID"} {
			if v := get(f.Pool(id), "LambdaConfig", k); v != nil {
				t.Errorf("LambdaConfig.%s = %v after the detach", k, v)
			}
		}
		if trigger(f, id) != before {
			t.Errorf("the detach changed the pool's own CustomMessage trigger %q to %q", before, trigger(f, id))
		}
	})
	t.Run("another custom sender: refused, the pool unchanged", func(t *testing.T) {
		f, api := fake(t, "custom-email-sender-kms")
		id := fixtureID(t, "custom-email-sender-kms")
		_, err := attachSenders(t, api, id, Options{Replace: true})
		if !errors.Is(err, ErrForeignSender) || !errors.Is(err, ErrRefused) || f.Calls("UpdateUserPool") != 0 {
			t.Errorf("err = %v, %d updates", err, f.Calls("UpdateUserPool"))
		}
	})
	t.Run("a key without a sender: refused", func(t *testing.T) {
		f, api := fake(t, "developer-ses")
		id := fixtureID(t, "developer-ses")
		f.Edit(id, func(p map[string]any) {
			p["LambdaConfig"].(map[string]any)["KMSKeyID"] = "arn:aws:kms:eu-central-1:123456789012:key/other"
		})
		if _, err := attachSenders(t, api, id, Options{}); !errors.Is(err, ErrForeignSender) || !strings.Contains(err.Error(), "KMSKeyID") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a pool another stack manages", func(t *testing.T) {
		f, api := fake(t, "developer-ses")
		id := fixtureID(t, "developer-ses")
		f.Edit(id, func(p map[string]any) {
			tags, _ := p["UserPoolTags"].(map[string]any)
			if tags == nil {
				tags = map[string]any{}
				p["UserPoolTags"] = tags
			}
			tags["aws:cloudformation:stack-name"] = "their-stack"
		})
		if _, err := attachSenders(t, api, id, Options{}); !errors.Is(err, ErrManagedPool) {
			t.Errorf("err = %v", err)
		}
		if _, err := attachSenders(t, api, id, Options{AllowManaged: true}); err != nil {
			t.Errorf("allowed: %v", err)
		}
	})
}
