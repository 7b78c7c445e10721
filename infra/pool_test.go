package main

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

const existingPool = "eu-central-1_AbCdEf123"

// statements returns every IAM statement of the policies whose logical ID starts with prefix.
func statements(tpl assertions.Template, prefix string) []map[string]any {
	var out []map[string]any
	for id, p := range resources(tpl, "AWS::IAM::Policy") {
		if !strings.HasPrefix(id, prefix) {
			continue
		}
		doc := p["Properties"].(map[string]any)["PolicyDocument"].(map[string]any)
		for _, st := range doc["Statement"].([]any) {
			out = append(out, st.(map[string]any))
		}
	}
	return out
}

func TestExistingPoolStack(t *testing.T) {
	stack, tpl := synth(t, map[string]any{KeyUserPoolID: existingPool})
	tpl.ResourceCountIs(jsii.String("AWS::Cognito::UserPool"), jsii.Number(0))
	tpl.ResourceCountIs(jsii.String("AWS::Cognito::UserPoolClient"), jsii.Number(0))
	tpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(2))
	if stack.UserPool != nil || stack.Provider == nil || stack.ProviderAlarm == nil {
		t.Fatal("existing-pool mode created a pool, or no provider or alarm")
	}
	scope := "Pool" + strings.NewReplacer("-", "", "_", "").Replace(existingPool)
	poolArn := map[string]any{"Fn::Join": []any{"", []any{
		"arn:", map[string]any{"Ref": "AWS::Partition"}, ":cognito-idp:", map[string]any{"Ref": "AWS::Region"}, ":",
		map[string]any{"Ref": "AWS::AccountId"}, ":userpool/" + existingPool,
	}}}
	fnID, _ := prefixed(t, tpl, "AWS::Lambda::Function", "Function")
	providerID, provider := prefixed(t, tpl, "AWS::Lambda::Function", scope+"Provider")
	permID, _ := prefixed(t, tpl, "AWS::Lambda::Permission", scope+"CognitoInvoke")
	roleID, _ := prefixed(t, tpl, "AWS::IAM::Role", scope+"ProviderRole")

	t.Run("the custom resource attaches the function to the pool", func(t *testing.T) {
		expect(t, "custom resource", func() {
			tpl.HasResourceProperties(jsii.String(AttachResourceType), map[string]any{
				"ServiceToken":     map[string]any{"Fn::GetAtt": []any{providerID, "Arn"}},
				"ServiceTimeout":   fmt.Sprint(ProviderServiceTimeout),
				"UserPoolId":       existingPool,
				"FunctionArn":      map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}},
				"ReplaceExisting":  "false",
				"AllowManagedPool": "false",
			})
		})
		id, _ := prefixed(t, tpl, AttachResourceType, scope+"Attachment")
		deps := fmt.Sprint(resources(tpl, AttachResourceType)[id]["DependsOn"])
		for _, d := range []string{permID, roleID} {
			if !strings.Contains(deps, d) {
				t.Errorf("the attachment does not depend on %s (created after it, deleted before it): DependsOn %s", d, deps)
			}
		}
	})
	t.Run("the provider acts on this pool, function and stack only", func(t *testing.T) {
		env := provider["Environment"].(map[string]any)["Variables"].(map[string]any)
		want := map[string]any{"USER_POOL_ID": existingPool, "FUNCTION_ARN": map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}}, "STACK_ID": map[string]any{"Ref": "AWS::StackId"}}
		if !reflect.DeepEqual(env, want) {
			t.Errorf("provider environment %v; want %v", env, want)
		}
		if provider["Timeout"] != float64(ProviderTimeout) || ProviderServiceTimeout > 300 || ProviderServiceTimeout <= ProviderTimeout {
			t.Errorf("timeouts: provider %v, service %d", provider["Timeout"], ProviderServiceTimeout)
		}
	})
	t.Run("Cognito may invoke the function, from that pool and account only", func(t *testing.T) {
		expect(t, "permission", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), map[string]any{
				"Action":        "lambda:InvokeFunction",
				"Principal":     "cognito-idp.amazonaws.com",
				"FunctionName":  map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}},
				"SourceArn":     poolArn,
				"SourceAccount": map[string]any{"Ref": "AWS::AccountId"},
			})
		})
	})
	t.Run("the provider may describe and update that pool, and read its stack's status, nothing else", func(t *testing.T) {
		var cognito, status int
		for _, st := range statements(tpl, "") {
			actions := fmt.Sprint(st["Action"])
			if strings.Contains(actions, "*") || fmt.Sprint(st["Resource"]) == "*" {
				t.Errorf("wildcard in %v", st)
			}
			if actions == "cloudformation:DescribeStacks" {
				status++
				if !reflect.DeepEqual(st["Resource"], map[string]any{"Ref": "AWS::StackId"}) {
					t.Errorf("status statement %v", st)
				}
				continue
			}
			if strings.Contains(actions, "iam:") || strings.Contains(actions, "cloudformation:") {
				t.Errorf("unexpected statement %v", st)
			}
			if strings.Contains(actions, "cognito-idp") {
				cognito++
				if actions != "[cognito-idp:DescribeUserPool cognito-idp:UpdateUserPool]" || !reflect.DeepEqual(st["Resource"], poolArn) {
					t.Errorf("cognito statement %v", st)
				}
			}
		}
		if cognito != 1 || status != 1 {
			t.Errorf("%d statements grant Cognito actions, %d read the stack's status; want 1 and 1", cognito, status)
		}
	})
	t.Run("an alarm on the provider's errors, logged or not", func(t *testing.T) {
		_, alarm := prefixed(t, tpl, "AWS::CloudWatch::Alarm", scope+"ProviderErrorAlarm")
		metrics := fmt.Sprint(alarm["Metrics"])
		for _, want := range []string{"FILL(logged, 0) + FILL(invocation, 0)", "ProviderErrors", "Errors"} {
			if !strings.Contains(metrics, want) {
				t.Errorf("alarm metrics lack %q: %s", want, metrics)
			}
		}
		expect(t, "metric filter", func() {
			tpl.HasResourceProperties(jsii.String("AWS::Logs::MetricFilter"), map[string]any{
				"FilterPattern":         `{ $.level = "ERROR" }`,
				"MetricTransformations": []any{map[string]any{"MetricName": "ProviderErrors", "MetricNamespace": MetricNamespace("CognitoCustomMessage-dev"), "MetricValue": "1", "DefaultValue": 0, "Unit": "Count"}},
			})
		})
	})
	t.Run("outputs", func(t *testing.T) {
		expect(t, "UserPoolId", func() { tpl.HasOutput(jsii.String("UserPoolId"), map[string]any{"Value": existingPool}) })
		expect(t, "PreviousCustomMessage", func() { tpl.HasOutput(jsii.String("PreviousCustomMessage"), map[string]any{}) })
	})
	t.Run("cdk-nag finds nothing unsuppressed", func(t *testing.T) { expectNagClean(t, stack) })
}

func TestExistingPoolOptions(t *testing.T) {
	const role = "arn:aws:iam::123456789012:role/service-role/bank-app-cognito-sms"
	stack, tpl := synth(t, map[string]any{KeyUserPoolID: existingPool, KeyReplaceExisting: "true", KeyAllowManagedPool: "true", KeyPoolSMSRoleArn: role,
		KeyAlarmTopicArn: "arn:aws:sns:eu-central-1:123456789012:ops"})
	expect(t, "options", func() {
		tpl.HasResourceProperties(jsii.String(AttachResourceType), map[string]any{"ReplaceExisting": "true", "AllowManagedPool": "true"})
	})
	// Cognito checks iam:PassRole on the pool's SMS role at every update: granted for that role,
	// to Cognito only.
	var pass []map[string]any
	for _, st := range statements(tpl, "") {
		if fmt.Sprint(st["Action"]) == "iam:PassRole" {
			pass = append(pass, st)
		}
	}
	want := map[string]any{"Sid": "PassThePoolsSmsRoleToCognito", "Effect": "Allow", "Action": "iam:PassRole", "Resource": role,
		"Condition": map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "cognito-idp.amazonaws.com"}}}
	if len(pass) != 1 || !reflect.DeepEqual(pass[0], want) {
		t.Errorf("PassRole statements %v; want %v", pass, want)
	}
	_, alarm := prefixed(t, tpl, "AWS::CloudWatch::Alarm", "Pool")
	if fmt.Sprint(alarm["AlarmActions"]) != "[arn:aws:sns:eu-central-1:123456789012:ops]" {
		t.Errorf("provider alarm actions %v", alarm["AlarmActions"])
	}
	t.Run("cdk-nag finds nothing unsuppressed", func(t *testing.T) { expectNagClean(t, stack) })
}

// TestUserPoolIDChangeReplacesTheAttachment: every resource that serves one pool has that pool in
// its logical ID, so a new userPoolId is a new set CloudFormation creates before it deletes the
// old one (and deletes the old attachment before the provider, role and permission it depends on,
// see TestExistingPoolStack). The trigger function itself stays.
func TestUserPoolIDChangeReplacesTheAttachment(t *testing.T) {
	ids := func(pool string) (perPool, shared []string) {
		_, tpl := synth(t, map[string]any{KeyUserPoolID: pool})
		scope := "Pool" + strings.NewReplacer("-", "", "_", "").Replace(pool)
		for id := range (*tpl.ToJSON())["Resources"].(map[string]any) {
			if strings.HasPrefix(id, scope) {
				perPool = append(perPool, id)
			} else {
				shared = append(shared, id)
			}
		}
		sort.Strings(perPool)
		sort.Strings(shared)
		return
	}
	p1, shared1 := ids("eu-central-1_PoolOne111")
	p2, shared2 := ids("eu-central-1_PoolTwo222")
	if len(p1) < 8 || len(p1) != len(p2) {
		t.Fatalf("per-pool resources %v / %v; want the attachment, provider, its log group, role and policy, permission, metric filter and alarm", p1, p2)
	}
	for _, id := range p1 {
		for _, other := range p2 {
			if id == other {
				t.Errorf("%s serves both pools: CloudFormation would update it in place", id)
			}
		}
	}
	if !reflect.DeepEqual(shared1, shared2) {
		t.Errorf("the rest of the stack changes with the pool: %v / %v", shared1, shared2)
	}
}

func TestPoolRegionMustMatchTheStack(t *testing.T) {
	build := func(region string) error {
		ctx := map[string]any{KeyAssetDir: assetDir, KeyProviderAssetDir: providerDir, KeyUserPoolID: existingPool}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx})
		cfg, err := LoadConfig(func(key string) any { return app.Node().TryGetContext(jsii.String(key)) })
		if err != nil {
			t.Fatal(err)
		}
		_, err = NewCustomMessageStack(app, cfg.StackName, &CustomMessageStackProps{Config: cfg,
			StackProps: awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String(region)}}})
		return err
	}
	if err := build("us-east-1"); err == nil || !strings.Contains(err.Error(), "is in eu-central-1, but the stack deploys to us-east-1") {
		t.Errorf("err = %v; want the region mismatch", err)
	}
	if err := build("eu-central-1"); err != nil {
		t.Errorf("same region: %v", err)
	}
}

// TestDetachOnStackDelete: the stack's own, retained pool gets a resource whose delete detaches
// the trigger when the stack itself is deleted (provider/handler.go tells the cases apart by the
// stack's status, so its provider may read exactly that).
func TestDetachOnStackDelete(t *testing.T) {
	stack, tpl := synth(t, nil)
	fnID, _ := prefixed(t, tpl, "AWS::Lambda::Function", "Function")
	poolID, _ := only(t, tpl, "AWS::Cognito::UserPool")
	providerID, provider := prefixed(t, tpl, "AWS::Lambda::Function", "DetachOnStackDeleteProvider")
	roleID, _ := prefixed(t, tpl, "AWS::IAM::Role", "DetachOnStackDeleteProviderRole")
	expect(t, "custom resource", func() {
		tpl.HasResourceProperties(jsii.String(DetachResourceType), map[string]any{
			"ServiceToken":   map[string]any{"Fn::GetAtt": []any{providerID, "Arn"}},
			"ServiceTimeout": fmt.Sprint(ProviderServiceTimeout),
			"UserPoolId":     map[string]any{"Ref": poolID},
			"FunctionArn":    map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}},
		})
	})
	id, _ := prefixed(t, tpl, DetachResourceType, "DetachOnStackDelete")
	if deps := fmt.Sprint(resources(tpl, DetachResourceType)[id]["DependsOn"]); !strings.Contains(deps, roleID) {
		t.Errorf("the resource does not depend on its provider's role: %s", deps)
	}
	env := provider["Environment"].(map[string]any)["Variables"].(map[string]any)
	want := map[string]any{"USER_POOL_ID": map[string]any{"Ref": poolID}, "FUNCTION_ARN": map[string]any{"Fn::GetAtt": []any{fnID, "Arn"}}, "STACK_ID": map[string]any{"Ref": "AWS::StackId"}}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("provider environment %v; want %v", env, want)
	}
	got := map[string]any{}
	for _, st := range statements(tpl, "DetachOnStackDelete") {
		got[fmt.Sprint(st["Action"])] = st["Resource"]
	}
	wantSt := map[string]any{
		"[cognito-idp:DescribeUserPool cognito-idp:UpdateUserPool]": map[string]any{"Fn::GetAtt": []any{poolID, "Arn"}},
		"cloudformation:DescribeStacks":                             map[string]any{"Ref": "AWS::StackId"},
		"[logs:CreateLogStream logs:PutLogEvents]":                  got["[logs:CreateLogStream logs:PutLogEvents]"],
	}
	if !reflect.DeepEqual(got, wantSt) || got["[logs:CreateLogStream logs:PutLogEvents]"] == nil {
		t.Errorf("provider statements %v; want %v", got, wantSt)
	}
	if _, ok := got["cloudformation:DescribeStacks"]; !ok {
		t.Error("the provider cannot read its stack's status")
	}
	prefixed(t, tpl, "AWS::CloudWatch::Alarm", "DetachOnStackDeleteProviderErrorAlarm")
	t.Run("cdk-nag finds nothing unsuppressed", func(t *testing.T) { expectNagClean(t, stack) })
}

// TestServiceTimeouts: no custom resource may leave CloudFormation waiting an hour for a crashed
// provider.
func TestServiceTimeouts(t *testing.T) {
	for name, ctx := range map[string]map[string]any{"own pool": nil, "existing pool": {KeyUserPoolID: existingPool}} {
		t.Run(name, func(t *testing.T) {
			_, tpl := synth(t, ctx)
			n := 0
			for id, r := range (*tpl.ToJSON())["Resources"].(map[string]any) {
				typ := fmt.Sprint(r.(map[string]any)["Type"])
				if !strings.HasPrefix(typ, "Custom::") && typ != "AWS::CloudFormation::CustomResource" {
					continue
				}
				n++
				var secs int
				if _, err := fmt.Sscan(fmt.Sprint(r.(map[string]any)["Properties"].(map[string]any)["ServiceTimeout"]), &secs); err != nil || secs < 1 || secs > 300 {
					t.Errorf("%s: ServiceTimeout %v; want 1–300 seconds", id, r.(map[string]any)["Properties"].(map[string]any)["ServiceTimeout"])
				}
			}
			if n != 1 {
				t.Errorf("%d custom resources; want 1", n)
			}
		})
	}
}
