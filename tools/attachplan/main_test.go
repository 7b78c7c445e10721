package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cognito-custom-message/internal/awsfake"
)

func plan(t *testing.T, fixture string, args ...string) (code int, out string, f *awsfake.Cognito) {
	t.Helper()
	f = awsfake.NewCognito()
	t.Cleanup(f.Close)
	b, err := os.ReadFile(filepath.Join("..", "..", "internal", "poolattach", "testdata", "pools", fixture+".json"))
	if err != nil {
		t.Fatal(err)
	}
	id, err := f.Put(b)
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code = run(context.Background(), append([]string{"-pool", id}, args...), &stdout, &stderr, f.Client())
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	if n := f.Calls("UpdateUserPool"); n != 0 {
		t.Fatalf("attach-plan sent %d UpdateUserPool requests; it must be read-only", n)
	}
	return code, stdout.String(), f
}

func TestPlanShowsOnlyTheTriggerChanging(t *testing.T) {
	code, out, _ := plan(t, "link-verification")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, want := range []string{
		"User pool eu-central-1_LinkVerif1 (shop-customers)",
		"CustomMessage trigger now: (none)",
		"stands for it — pass -function",
		`changed   LambdaConfig.CustomMessage: (none) -> "arn:aws:lambda:eu-central-1:123456789012:function:CognitoCustomMessage-Function"`,
		"adjusted  EmailVerificationMessage = \"Your verification code is {####}. \"  (rule link-style-deprecated-email",
		"adjusted  VerificationMessageTemplate.EmailMessage",
		"0 refused",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	// Nothing but the trigger and the record tags changes.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "changed") &&
			!strings.Contains(line, "LambdaConfig.CustomMessage") && !strings.Contains(line, "UserPoolTags[cognito-custom-message:") {
			t.Errorf("the plan changes more than the trigger: %s", line)
		}
	}
}

func TestPlanRefusals(t *testing.T) {
	for _, c := range []struct {
		fixture string
		args    []string
		want    []string
	}{
		{"sms-mfa", nil, []string{"REFUSED: the user pool already has a CustomMessage trigger (arn:aws:lambda:eu-central-1:123456789012:function:bank-app-legacy-messages)",
			"deploy with -c poolSmsRoleArn=arn:aws:iam::123456789012:role/service-role/bank-app-cognito-sms"}},
		{"managed-by-stack", nil, []string{`managed by CloudFormation stack "OrdersBackend"`, "REFUSED", "allowManagedPool=true"}},
		{"future-settings", nil, []string{"REFUSED", "newer release", "REFUSED   SessionPolicy.IdleTimeoutMinutes = 30  (not carried: the update would reset it)",
			"REFUSED   LambdaConfig.PreEmailChange"}},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			code, out, _ := plan(t, c.fixture, c.args...)
			if code != 1 {
				t.Errorf("exit %d; want 1", code)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	t.Run("replace shows what comes back on delete", func(t *testing.T) {
		code, out, _ := plan(t, "sms-mfa", "-replace", "-function", "arn:aws:lambda:eu-central-1:123456789012:function:real")
		if code != 0 || !strings.Contains(out, "on stack delete, arn:aws:lambda:eu-central-1:123456789012:function:bank-app-legacy-messages is put back") ||
			strings.Contains(out, "stands for it") {
			t.Errorf("exit %d:\n%s", code, out)
		}
	})
	t.Run("all lists every setting", func(t *testing.T) {
		_, out, _ := plan(t, "threat-protection-plus", "-all")
		for _, w := range []string{`kept      UserPoolAddOns.AdvancedSecurityMode = "ENFORCED"`, "not sent  SchemaAttributes"} {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q", w)
			}
		}
	})
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-pool", "nope"}, &out, &errOut, nil); code != 2 || !strings.Contains(errOut.String(), "user pool ID") {
		t.Errorf("exit %d, %s", code, errOut.String())
	}
}
