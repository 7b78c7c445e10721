package poolattach

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"cognito-custom-message/internal/awsfake"
)

const ours = "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-dev-Function76856677-AbCdEf"

// fake starts a fake Cognito endpoint holding the named fixtures (testdata/pools/<name>.json).
func fake(t *testing.T, names ...string) (*awsfake.Cognito, *cip.Client) {
	t.Helper()
	c := awsfake.NewCognito()
	t.Cleanup(c.Close)
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", "pools", n+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Put(b); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	return c, c.Client()
}

func fixtureID(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pools", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ UserPool struct{ Id string } }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.UserPool.Id
}

func fixtureNames(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "pools", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	return names
}

// previousRelease is the update the previous release sent (its UpdateInput): every field of the
// description verbatim, UnusedAccountValidityDays dropped next to TemporaryPasswordValidityDays.
// The scenarios below show where real Cognito refuses it.
func previousRelease(pool *types.UserPoolType, customMessage string) *cip.UpdateUserPoolInput {
	in := &cip.UpdateUserPoolInput{
		UserPoolId: pool.Id, AccountRecoverySetting: pool.AccountRecoverySetting, AdminCreateUserConfig: pool.AdminCreateUserConfig,
		AutoVerifiedAttributes: pool.AutoVerifiedAttributes, DeletionProtection: pool.DeletionProtection, DeviceConfiguration: pool.DeviceConfiguration,
		EmailConfiguration: pool.EmailConfiguration, EmailVerificationMessage: pool.EmailVerificationMessage, EmailVerificationSubject: pool.EmailVerificationSubject,
		IssuerConfiguration: pool.IssuerConfiguration, KeyConfiguration: pool.KeyConfiguration, MfaConfiguration: pool.MfaConfiguration,
		Policies: pool.Policies, PoolName: pool.Name, SmsAuthenticationMessage: pool.SmsAuthenticationMessage, SmsConfiguration: pool.SmsConfiguration,
		SmsVerificationMessage: pool.SmsVerificationMessage, UserAttributeUpdateSettings: pool.UserAttributeUpdateSettings, UserPoolAddOns: pool.UserPoolAddOns,
		UserPoolTags: pool.UserPoolTags, UserPoolTier: pool.UserPoolTier, VerificationMessageTemplate: pool.VerificationMessageTemplate,
	}
	lc := types.LambdaConfigType{}
	if pool.LambdaConfig != nil {
		lc = *pool.LambdaConfig
	}
	lc.CustomMessage = &customMessage
	in.LambdaConfig = &lc
	if a := pool.AdminCreateUserConfig; a != nil && a.UnusedAccountValidityDays != 0 && pool.Policies != nil &&
		pool.Policies.PasswordPolicy != nil && pool.Policies.PasswordPolicy.TemporaryPasswordValidityDays != 0 {
		c := *a
		c.UnusedAccountValidityDays = 0
		in.AdminCreateUserConfig = &c
	}
	return in
}

// rawDiff lists the leaf paths whose values differ between two raw pools, ignoring
// LastModifiedDate.
func rawDiff(before, after map[string]any) []string {
	var out []string
	var walk func(path string, a, b any)
	walk = func(path string, a, b any) {
		am, aok := a.(map[string]any)
		bm, bok := b.(map[string]any)
		if aok && b == nil || bok && a == nil {
			aok, bok = true, true
		}
		if aok && bok {
			keys := map[string]bool{}
			for k := range am {
				keys[k] = true
			}
			for k := range bm {
				keys[k] = true
			}
			for k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				walk(p, am[k], bm[k])
			}
			return
		}
		if !sameJSON(a, b) && !(isEmptyish(a) && isEmptyish(b)) {
			out = append(out, path)
		}
	}
	b, a := copyWithout(before, "LastModifiedDate"), copyWithout(after, "LastModifiedDate")
	walk("", b, a)
	sort.Strings(out)
	return out
}

// isEmptyish: the SDK leaves false and empty values out of a request, and the fake stores the
// request as sent, where real Cognito would describe its default (false, empty) again.
func isEmptyish(v any) bool { return v == nil || v == false || v == "" || isEmpty(v) }

func copyWithout(m map[string]any, key string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// TestFixturesRoundTrip attaches to and detaches from every realistic pool shape through the fake
// Cognito, which refuses what real Cognito refuses and resets what an update leaves out. After the
// attachment only the trigger, the record tags and the documented adjustments differ from the
// description; after the detachment only the adjustments do. The previous release's update is sent
// too: where the fake refuses it, that is the bug this change fixes.
func TestFixturesRoundTrip(t *testing.T) {
	// What the previous release's verbatim round trip meets on each shape.
	previous := map[string]string{
		"link-verification":       "The message is invalid.", // verification-email-style
		"managed-by-stack":        "reserved",                // reserved-tags
		"future-settings":         "",                        // accepted, but resets the settings the SDK does not know
		"developer-ses":           "",
		"sms-mfa":                 "",
		"custom-email-sender-kms": "",
		"threat-protection-plus":  "",
	}
	// The documented adjustments each shape needs (rule IDs).
	adjusted := map[string][]string{
		"link-verification":       {"AdminCreateUserConfig.UnusedAccountValidityDays", "EmailVerificationMessage", "EmailVerificationSubject", "VerificationMessageTemplate.EmailMessage"},
		"developer-ses":           {"AdminCreateUserConfig.UnusedAccountValidityDays"},
		"sms-mfa":                 {"AdminCreateUserConfig.UnusedAccountValidityDays"},
		"custom-email-sender-kms": {"AdminCreateUserConfig.UnusedAccountValidityDays"},
		"threat-protection-plus":  nil,
		"managed-by-stack":        {"AdminCreateUserConfig.UnusedAccountValidityDays", "UserPoolTags[aws:cloudformation:logical-id]", "UserPoolTags[aws:cloudformation:stack-id]", "UserPoolTags[aws:cloudformation:stack-name]"},
	}
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f, api := fake(t, name)
			id := fixtureID(t, name)

			t.Run("previous release", func(t *testing.T) {
				f2, api2 := fake(t, name)
				d, err := Describe(ctx, api2, id)
				if err != nil {
					t.Fatal(err)
				}
				_, err = api2.UpdateUserPool(ctx, previousRelease(d.Pool, ours))
				want, known := previous[name]
				if !known {
					t.Fatalf("no expectation for fixture %s", name)
				}
				switch {
				case want == "" && err != nil:
					t.Errorf("refused: %v", err)
				case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
					t.Errorf("err = %v; want a refusal containing %q", err, want)
				}
				if name == "future-settings" {
					lost := rawDiff(d.Raw, f2.Pool(id))
					for _, p := range []string{"Policies.PasswordPolicy.MinimumUniqueCharacters", "LambdaConfig.PreEmailChange", "SessionPolicy"} {
						if !containsPrefix(lost, p) {
							t.Errorf("the previous release's update kept %s; the fake no longer shows the reset (lost: %v)", p, lost)
						}
					}
				}
			})

			before := f.Pool(id)
			a, err := PlanAttach(ctx, api, id, ours, Options{Replace: true, AllowManaged: true})
			if err != nil {
				t.Fatal(err)
			}
			if name == "future-settings" {
				if a.Err == nil {
					t.Fatal("attached to a pool with settings the SDK does not know")
				}
				for _, p := range []string{"Policies.PasswordPolicy.MinimumUniqueCharacters", "LambdaConfig.PreEmailChange",
					"AccountRecoverySetting.RecoveryMechanisms[0].RequireSecondFactor", "SessionPolicy.IdleTimeoutMinutes", "SessionPolicy.RevokeOnPasswordChange", "newer release"} {
					if !strings.Contains(a.Err.Error(), p) {
						t.Errorf("refusal does not name %s: %v", p, a.Err)
					}
				}
				if err := a.Apply(ctx, api); err == nil || f.Calls("UpdateUserPool") != 0 {
					t.Errorf("Apply = %v after %d updates; want the refusal and no update", err, f.Calls("UpdateUserPool"))
				}
				return
			}
			if a.Err != nil {
				t.Fatalf("refused: %v", a.Err)
			}
			var adj []string
			for _, e := range a.Plan.Entries {
				if e.Kind == Adjusted {
					adj = append(adj, e.Path)
				}
			}
			if !reflect.DeepEqual(adj, adjusted[name]) {
				t.Errorf("adjusted %v; want %v", adj, adjusted[name])
			}
			if err := a.Apply(ctx, api); err != nil {
				t.Fatalf("attach: %v", err)
			}
			after := f.Pool(id)
			wantChanged := []string{"LambdaConfig.CustomMessage", "UserPoolTags." + TagApplied, "UserPoolTags." + TagFunction}
			if a.Previous != "" {
				wantChanged = append(wantChanged, "UserPoolTags."+TagPrevious)
			}
			expectDiff(t, "attach", rawDiff(before, after), wantChanged, adjusted[name])
			if got := get(after, "LambdaConfig", "CustomMessage"); got != ours {
				t.Errorf("CustomMessage = %v", got)
			}

			x, err := PlanDetach(ctx, api, id, ours)
			if err != nil || x.Err != nil {
				t.Fatalf("detach plan: %v %v", err, x.Err)
			}
			if err := x.Apply(ctx, api); err != nil {
				t.Fatalf("detach: %v", err)
			}
			restored := f.Pool(id)
			expectDiff(t, "detach", rawDiff(before, restored), nil, adjusted[name])
		})
	}
}

// expectDiff checks that exactly want (plus, among allowed, whatever changed) differ.
func expectDiff(t *testing.T, what string, got, want, allowed []string) {
	t.Helper()
	ok := map[string]bool{}
	for _, p := range append(append([]string{}, want...), allowed...) {
		ok[p] = true
		ok[strings.ReplaceAll(strings.ReplaceAll(p, "[", "."), "]", "")] = true
	}
	for _, p := range got {
		if !ok[p] {
			t.Errorf("%s changed %s", what, p)
		}
	}
	for _, p := range want {
		if !containsPrefix(got, p) {
			t.Errorf("%s did not change %s (changed: %v)", what, p, got)
		}
	}
}

func containsPrefix(list []string, p string) bool {
	for _, s := range list {
		if s == p || strings.HasPrefix(s, p+".") {
			return true
		}
	}
	return false
}

func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
