package poolattach

import (
	"context"
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
