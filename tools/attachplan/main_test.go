package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
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

// awsVars are the variables through which the SDK could find the machine's own AWS setup.
var awsVars = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"}

// isolateAWS gives the test a HOME and AWS files of its own (config holds config, when not empty),
// none of awsVars, instance metadata off, and then set: nothing of the machine's AWS setup leaks in.
// t.Setenv restores every variable after the test.
func isolateAWS(t *testing.T, config string, set map[string]string) {
	t.Helper()
	home := t.TempDir()
	cfgFile := filepath.Join(home, "config")
	if config != "" {
		if err := os.WriteFile(cfgFile, []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range awsVars {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for k, v := range map[string]string{
		"HOME": home, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_CONFIG_FILE": cfgFile, "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, "credentials"),
	} {
		t.Setenv(k, v)
	}
	for k, v := range set {
		t.Setenv(k, v)
	}
}

// TestNoCredentials: without any AWS credentials, one sentence says what to set, and nothing of the
// SDK's instance-metadata fallback is printed.
func TestNoCredentials(t *testing.T) {
	isolateAWS(t, "", nil)
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-pool", "eu-central-1_AbCdEf123"}, &stdout, &stderr, nil)
	if code != 1 {
		t.Errorf("exit %d; want 1", code)
	}
	got := stderr.String()
	if got != "attachplan: "+noCredentials+"\n" {
		t.Errorf("stderr %q; want %q", got, "attachplan: "+noCredentials+"\n")
	}
	for _, noise := range []string{"IMDS", "EC2", "169.254", "operation error"} {
		if strings.Contains(got, noise) {
			t.Errorf("stderr names %q: %s", noise, got)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q; want nothing", stdout.String())
	}

	// make diff, deploy and destroy ask the same question first.
	stderr.Reset()
	if code := run(context.Background(), []string{"-check-credentials"}, &stdout, &stderr, nil); code != 1 || stderr.String() != noCredentials+"\n" {
		t.Errorf("-check-credentials: exit %d, stderr %q; want 1 and %q", code, stderr.String(), noCredentials)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
	stderr.Reset()
	if code := run(context.Background(), []string{"-check-credentials"}, &stdout, &stderr, nil); code != 0 || stderr.Len() != 0 || stdout.Len() != 0 {
		t.Errorf("-check-credentials with keys in the environment: exit %d, stderr %q, stdout %q; want 0 and silence", code, stderr.String(), stdout.String())
	}
}

// TestProfileWithoutCredentials: a profile without credentials, and one that does not exist, are named.
func TestProfileWithoutCredentials(t *testing.T) {
	isolateAWS(t, "[profile empty]\nregion = eu-central-1\n", map[string]string{"AWS_PROFILE": "empty"})
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-pool", "eu-central-1_AbCdEf123"}, &stdout, &stderr, nil)
	if code != 1 || !strings.Contains(stderr.String(), `AWS profile "empty" has no credentials`) || strings.Contains(stderr.String(), "IMDS") {
		t.Errorf("exit %d, stderr %q; want 1 and the profile named, without IMDS", code, stderr.String())
	}
	t.Setenv("AWS_PROFILE", "nope")
	stderr.Reset()
	code = run(context.Background(), []string{"-pool", "eu-central-1_AbCdEf123"}, &stdout, &stderr, nil)
	if code != 1 || !strings.Contains(stderr.String(), `AWS_PROFILE "nope" is not a profile`) {
		t.Errorf("unknown profile: exit %d, stderr %q; want 1 and the profile named", code, stderr.String())
	}
}

// TestNoCredentialsWithAnInstanceMetadataService: where an instance-metadata endpoint answers (but
// gives no role), the SDK's own "falling back to IMDSv1" warning does not reach the terminal either.
func TestNoCredentialsWithAnInstanceMetadataService(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "forbidden", http.StatusForbidden)
	}))
	defer imds.Close()
	isolateAWS(t, "", map[string]string{"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.URL})
	// The SDK's logger writes to the process's stderr, not to run's: capture that.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-pool", "eu-central-1_AbCdEf123"}, &stdout, &stderr, nil)
	os.Stderr = saved
	w.Close()
	leaked, _ := io.ReadAll(r)
	if code != 1 || stderr.String() != "attachplan: "+noCredentials+"\n" {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr.String(), noCredentials)
	}
	if len(leaked) != 0 {
		t.Errorf("the SDK wrote to stderr: %q", leaked)
	}
}

// TestCheckHonoursTheCDKProfile: `make deploy CDK_ARGS="--profile p"` uses profile p, which the
// check must find too, though AWS_PROFILE names none.
func TestCheckHonoursTheCDKProfile(t *testing.T) {
	isolateAWS(t, "[profile p]\nregion = eu-central-1\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = secret\n", nil)
	for _, c := range []struct {
		args string
		want int
	}{
		{"", 1},
		{"-c stage=prod --profile p", 0},
		{"--profile=p -c appName=Acme", 0},
		{"--profile nope", 1},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"-check-credentials", "-cdk-args", c.args}, &stdout, &stderr, nil); code != c.want {
			t.Errorf("CDK_ARGS %q: exit %d (%s); want %d", c.args, code, stderr.String(), c.want)
		}
		os.Unsetenv("AWS_PROFILE")
	}
}
