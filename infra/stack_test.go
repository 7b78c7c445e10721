package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cognito-custom-message/internal/lambdarie"
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// assetDir, providerDir and senderDir hold bootstraps built from this checkout by TestMain, so the tests never
// depend on a hand-built asset.
var assetDir, providerDir, senderDir string

func TestMain(m *testing.M) {
	code := func() int {
		defer jsii.Close() // else every run leaks a temp folder
		// Tests name their brands folder; the one `make` compiled in (relative to the root) is not theirs.
		os.Unsetenv("BRANDS_DIR")
		dir, err := os.MkdirTemp("", "infra-asset-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		for _, b := range []struct{ dir, pkg string }{{"handler", "../handler"}, {"provider", "../provider"}} {
			if err := lambdarie.Build(context.Background(), ".", b.pkg, filepath.Join(dir, b.dir, "bootstrap"), "arm64"); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		assetDir, providerDir = filepath.Join(dir, "handler"), filepath.Join(dir, "provider")
		// The sender (./sender) is built like the others once it exists in the checkout; before that,
		// the trigger's bootstrap stands in: synth only hashes and zips the asset folder.
		senderDir = assetDir
		if st, err := os.Stat("../sender"); err == nil && st.IsDir() {
			senderDir = filepath.Join(dir, "sender")
			if err := lambdarie.Build(context.Background(), ".", "../sender", filepath.Join(senderDir, "bootstrap"), "arm64"); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		return m.Run()
	}()
	os.Exit(code)
}

// newApp builds the app and the stack from context the way main does, with the built assets.
func newApp(t *testing.T, context map[string]any) (awscdk.App, *CustomMessageStack, error) {
	t.Helper()
	ctx := map[string]any{KeyAssetDir: assetDir, KeyProviderAssetDir: providerDir, KeySenderAssetDir: senderDir}
	maps.Copy(ctx, context)
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
	cfg, err := LoadConfig(func(key string) any { return app.Node().TryGetContext(jsii.String(key)) })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	stack, err := NewCustomMessageStack(app, cfg.StackName, &CustomMessageStackProps{Config: cfg})
	return app, stack, err
}

// synth builds the stack the way main does — context, config, nag — and returns its template.
func synth(t *testing.T, context map[string]any) (*CustomMessageStack, assertions.Template) {
	t.Helper()
	app, stack, err := newApp(t, context)
	if err != nil {
		t.Fatalf("NewCustomMessageStack: %v", err)
	}
	CheckWithNag(app)
	tpl := assertions.Template_FromStack(stack.Stack, nil)
	confirm, _ := context[KeyConfirmPoolReplacement].(string)
	if err := CheckPoolReplacement(*tpl.ToJSON(), confirm); err != nil {
		t.Fatalf("synth refused: %v", err)
	}
	return stack, tpl
}

// expectNagClean fails on every cdk-nag AwsSolutions error or warning left unsuppressed.
func expectNagClean(t *testing.T, stack *CustomMessageStack) {
	t.Helper()
	ann := assertions.Annotations_FromStack(stack.Stack)
	nag := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
	for _, e := range *ann.FindError(jsii.String("*"), nag) {
		t.Errorf("cdk-nag error: %s %v", *e.Id, e.Entry.Data)
	}
	for _, w := range *ann.FindWarning(jsii.String("*"), nag) {
		t.Errorf("cdk-nag warning: %s %v", *w.Id, w.Entry.Data)
	}
}

// expect runs an assertions call, which panics on a mismatch, as a test failure.
func expect(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	f()
}

func resources(tpl assertions.Template, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range *tpl.FindResources(jsii.String(typ), nil) {
		out[id] = *r
	}
	return out
}

// prefixed returns the one resource of type typ whose logical ID starts with prefix.
func prefixed(t *testing.T, tpl assertions.Template, typ, prefix string) (string, map[string]any) {
	t.Helper()
	var id string
	var props map[string]any
	for rid, r := range resources(tpl, typ) {
		if strings.HasPrefix(rid, prefix) {
			if id != "" {
				t.Fatalf("two %s resources start with %s: %s, %s", typ, prefix, id, rid)
			}
			id, props = rid, r["Properties"].(map[string]any)
		}
	}
	if id == "" {
		t.Fatalf("no %s resource starts with %s", typ, prefix)
	}
	return id, props
}

func only(t *testing.T, tpl assertions.Template, typ string) (string, map[string]any) {
	t.Helper()
	rs := resources(tpl, typ)
	if len(rs) != 1 {
		t.Fatalf("%d resources of type %s; want 1", len(rs), typ)
	}
	for id, r := range rs {
		props, _ := r["Properties"].(map[string]any)
		return id, props
	}
	return "", nil
}

func TestDefaultStack(t *testing.T) {
	stack, tpl := synth(t, nil)
	if got := *stack.StackName(); got != "CognitoCustomMessage-dev" {
		t.Errorf("stack name %q", got)
	}
	// The trigger's function, log group and role; the detach-on-stack-delete provider has its own
	// (TestDetachOnStackDelete).
	fnID, _ := prefixed(t, tpl, "AWS::Lambda::Function", "Function")
	poolID, _ := only(t, tpl, "AWS::Cognito::UserPool")
	logsID, _ := prefixed(t, tpl, "AWS::Logs::LogGroup", "FunctionLogs")

	t.Run("the pool's CustomMessage trigger is the function, by its fixed name", func(t *testing.T) {
		name := FunctionNameFor("CognitoCustomMessage-dev")
		expect(t, "LambdaConfig", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), map[string]any{
				"LambdaConfig": map[string]any{"CustomMessage": map[string]any{
					"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + name}},
			})
		})
		expect(t, "FunctionName", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{"FunctionName": name})
		})
	})
	t.Run("app clients outlive the stack, like the pool", func(t *testing.T) {
		for id, c := range resources(tpl, "AWS::Cognito::UserPoolClient") {
			if c["DeletionPolicy"] != "Retain" || c["UpdateReplacePolicy"] != "Retain" {
				t.Errorf("client %s: DeletionPolicy %v, UpdateReplacePolicy %v; want Retain", id, c["DeletionPolicy"], c["UpdateReplacePolicy"])
			}
		}
	})
	t.Run("Cognito may invoke it, from this pool only", func(t *testing.T) {
		tpl.ResourceCountIs(jsii.String("AWS::Lambda::Permission"), jsii.Number(1))
		expect(t, "permission", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
				"Action":       "lambda:InvokeFunction",
				"Principal":    "cognito-idp.amazonaws.com",
				"FunctionName": map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}},
				"SourceArn":    map[string]any{"Fn::GetAtt": []any{poolID, "Arn"}},
			})
		})
	})
	t.Run("the function", func(t *testing.T) {
		expect(t, "function", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
				"Runtime":       "provided.al2023",
				"Architectures": []any{"arm64"},
				"Handler":       "bootstrap",
				"MemorySize":    128,
				"Timeout":       FunctionTimeout,
				"Environment":   map[string]any{"Variables": map[string]any{"DEFAULT_LOCALE": "en", "APP_NAME": "My App"}},
				"LoggingConfig": map[string]any{"LogFormat": "JSON", "LogGroup": map[string]any{"Ref": logsID}},
			})
		})
		if FunctionTimeout >= 5 {
			t.Errorf("timeout %ds is not inside Cognito's 5 s", FunctionTimeout)
		}
	})
	t.Run("its own log group, with a retention", func(t *testing.T) {
		expect(t, "log group", func() {
			tpl.HasResource(jsii.String("AWS::Logs::LogGroup"), map[string]any{
				"Properties":     map[string]any{"RetentionInDays": 30},
				"DeletionPolicy": "Retain",
			})
		})
	})
	t.Run("the role writes its logs and nothing else", func(t *testing.T) {
		_, role := prefixed(t, tpl, "AWS::IAM::Role", "FunctionRole")
		if _, ok := role["ManagedPolicyArns"]; ok {
			t.Errorf("role has managed policies: %v", role["ManagedPolicyArns"])
		}
		_, policy := prefixed(t, tpl, "AWS::IAM::Policy", "FunctionRole")
		for _, p := range []map[string]any{{"Properties": policy}} {
			doc := p["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)
			for _, s := range doc["Statement"].([]any) {
				st := s.(map[string]any)
				actions := fmt.Sprint(st["Action"])
				if strings.Contains(actions, "*") || fmt.Sprint(st["Resource"]) == "*" {
					t.Errorf("wildcard in statement %v", st)
				}
				if actions != "[logs:CreateLogStream logs:PutLogEvents]" {
					t.Errorf("actions %s; want only log writes", actions)
				}
				if fmt.Sprint(st["Resource"]) != fmt.Sprint(map[string]any{"Fn::GetAtt": []any{logsID, "Arn"}}) {
					t.Errorf("resource %v; want the function's own log group", st["Resource"])
				}
			}
		}
	})
	t.Run("the user pool's production defaults", func(t *testing.T) {
		expect(t, "user pool", func() {
			tpl.HasResource(jsii.String("AWS::Cognito::UserPool"), map[string]any{
				"DeletionPolicy": "Retain",
				"Properties": map[string]any{
					"UsernameAttributes":     []any{"email"},
					"AutoVerifiedAttributes": []any{"email"},
					"DeletionProtection":     "ACTIVE",
					"AdminCreateUserConfig":  map[string]any{"AllowAdminCreateUserOnly": false},
					"Policies": map[string]any{"PasswordPolicy": map[string]any{
						"MinimumLength": 12, "RequireLowercase": true, "RequireUppercase": true,
						"RequireNumbers": true, "RequireSymbols": true,
					}},
					"AccountRecoverySetting": map[string]any{"RecoveryMechanisms": []any{map[string]any{"Name": "verified_email", "Priority": 1}}},
					"Schema":                 assertions.Match_ArrayWith(&[]any{map[string]any{"Name": "locale", "Mutable": true, "Required": false}}),
					"EmailConfiguration":     map[string]any{"EmailSendingAccount": "COGNITO_DEFAULT"},
				},
			})
		})
	})
	t.Run("an app client: SRP only, explicit token lifetimes", func(t *testing.T) {
		expect(t, "client", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolClient"), map[string]any{
				"UserPoolId":                 map[string]any{"Ref": poolID},
				"GenerateSecret":             false,
				"PreventUserExistenceErrors": "ENABLED",
				// A plain list matches exactly: no ALLOW_USER_PASSWORD_AUTH.
				"ExplicitAuthFlows":    []any{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
				"AccessTokenValidity":  60,
				"IdTokenValidity":      60,
				"RefreshTokenValidity": 30 * 24 * 60,
				"TokenValidityUnits":   map[string]any{"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"},
			})
		})
		// No hosted-UI OAuth flows by default: CDK would otherwise enable the implicit grant with an
		// example.com callback.
		_, client := only(t, tpl, "AWS::Cognito::UserPoolClient")
		for _, k := range []string{"AllowedOAuthFlows", "CallbackURLs"} {
			if v, ok := client[k]; ok {
				t.Errorf("client has %s = %v", k, v)
			}
		}
	})
	t.Run("an alarm on throttles, which fail the user's call", func(t *testing.T) {
		expect(t, "throttles alarm", func() {
			tpl.HasResourceProperties(jsii.String("AWS::CloudWatch::Alarm"), map[string]any{
				"Namespace":          "AWS/Lambda",
				"MetricName":         "Throttles",
				"Dimensions":         []any{map[string]any{"Name": "FunctionName", "Value": map[string]any{"Ref": fnID}}},
				"Statistic":          "Sum",
				"Period":             300,
				"Threshold":          1,
				"EvaluationPeriods":  1,
				"ComparisonOperator": "GreaterThanOrEqualToThreshold",
				"TreatMissingData":   "notBreaching",
			})
		})
		// Without alarmTopicArn (not a production stage) the alarms notify nobody, by design.
		for id, a := range resources(tpl, "AWS::CloudWatch::Alarm") {
			if actions, ok := a["Properties"].(map[string]any)["AlarmActions"]; ok {
				t.Errorf("alarm %s has actions %v without a topic", id, actions)
			}
		}
	})
	t.Run("outputs", func(t *testing.T) {
		for name, value := range map[string]any{
			"UserPoolId":   map[string]any{"Ref": poolID},
			"FunctionName": map[string]any{"Ref": fnID},
		} {
			expect(t, name, func() { tpl.HasOutput(jsii.String(name), map[string]any{"Value": value}) })
		}
		expect(t, "UserPoolClientId", func() { tpl.HasOutput(jsii.String("UserPoolClientId"), map[string]any{}) })
	})
	t.Run("cdk-nag finds nothing unsuppressed", func(t *testing.T) { expectNagClean(t, stack) })
}

func TestAppClientOptions(t *testing.T) {
	// GIVEN a migration that needs USER_PASSWORD_AUTH and shorter sessions
	// WHEN the stack is synthesized with them
	stack, tpl := synth(t, map[string]any{
		KeyPasswordAuth: "true", KeyAccessTokenMinutes: "15", KeyIDTokenMinutes: "30", KeyRefreshTokenDays: "7",
	})
	// THEN the client allows both flows and carries the lifetimes, in minutes
	expect(t, "client", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPoolClient"), map[string]any{
			"ExplicitAuthFlows":    []any{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
			"AccessTokenValidity":  15,
			"IdTokenValidity":      30,
			"RefreshTokenValidity": 7 * 24 * 60,
			"TokenValidityUnits":   map[string]any{"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"},
		})
	})
	expect(t, "output", func() {
		tpl.HasOutput(jsii.String("UserPoolClientId"), map[string]any{"Description": "App client (SRP and USER_PASSWORD_AUTH)"})
	})
	t.Run("cdk-nag finds nothing unsuppressed", func(t *testing.T) { expectNagClean(t, stack) })
}

func TestConfigOverrides(t *testing.T) {
	stack, tpl := synth(t, map[string]any{
		KeyStage: "prod", KeyAppName: "Acme Café", KeyDefaultLocale: "de", KeyLogRetentionDays: "90",
		KeySESFromEmail: "no-reply@acme.example", KeySESFromName: "Acme", KeySESRegion: "eu-west-1",
		KeyAlarmTopicArn: topic, // prod requires SES and an alarm topic
	})
	if got := *stack.StackName(); got != "CognitoCustomMessage-prod" {
		t.Errorf("stack name %q", got)
	}
	expect(t, "environment", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
			"Environment": map[string]any{"Variables": map[string]any{"DEFAULT_LOCALE": "de", "APP_NAME": "Acme Café"}},
		})
	})
	expect(t, "retention", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 90})
	})
	expect(t, "SES", func() {
		tpl.HasResourceProperties(jsii.String("AWS::Cognito::UserPool"), map[string]any{
			"EmailConfiguration": map[string]any{
				"EmailSendingAccount": "DEVELOPER",
				"From":                "Acme <no-reply@acme.example>",
				"SourceArn":           assertions.Match_AnyValue(),
			},
		})
	})
	alarms := resources(tpl, "AWS::CloudWatch::Alarm")
	if len(alarms) != 4 { // fallbacks, errors, throttles, the detach-on-delete provider's errors
		t.Errorf("%d alarms; want 4", len(alarms))
	}
	for id, a := range alarms {
		if got := fmt.Sprint(a["Properties"].(map[string]any)["AlarmActions"]); got != "["+topic+"]" {
			t.Errorf("alarm %s notifies %s; want the topic %s", id, got, topic)
		}
	}
	_, pool := only(t, tpl, "AWS::Cognito::UserPool")
	if arn := fmt.Sprint(pool["EmailConfiguration"].(map[string]any)["SourceArn"]); !strings.Contains(arn, "eu-west-1") || !strings.Contains(arn, "identity/no-reply@acme.example") {
		t.Errorf("SES identity %s; want the from-address in eu-west-1", arn)
	}
}

func TestMissingAssetFails(t *testing.T) {
	app := awscdk.NewApp(nil)
	cfg, err := LoadConfig(func(string) any { return nil })
	if err != nil {
		t.Fatal(err)
	}
	cfg.AssetDir = filepath.Join(t.TempDir(), "nothing")
	if _, err := NewCustomMessageStack(app, "X", &CustomMessageStackProps{Config: cfg}); err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("err = %v; want a hint to run make build", err)
	}
}
