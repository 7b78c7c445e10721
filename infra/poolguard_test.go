package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"
)

// guardedApp builds the stack as main does, lets change alter the pool the way an edit of
// stack.go, a CDK upgrade or an override would, and synthesizes it through main's own path.
func guardedApp(t *testing.T, context map[string]any, change func(awscognito.CfnUserPool)) (*CustomMessageStack, error) {
	t.Helper()
	app, stack, err := newApp(t, context)
	if err != nil {
		return nil, err
	}
	if change != nil {
		change(stack.UserPool.Node().DefaultChild().(awscognito.CfnUserPool))
	}
	CheckWithNag(app)
	return stack, synthChecked(app, stack)
}

// TestPoolReplacementRefused (issue 16 §4): a change that makes CloudFormation replace the stack's
// own pool fails the synth, naming the property and the key that confirms it. The previous
// release deployed it: the retained old pool lost its invoke permission.
func TestPoolReplacementRefused(t *testing.T) {
	for name, change := range map[string]func(awscognito.CfnUserPool){
		"UsernameAttributes": func(p awscognito.CfnUserPool) {
			p.AddPropertyOverride(jsii.String("UsernameAttributes"), []string{"phone_number"})
		},
		"AliasAttributes": func(p awscognito.CfnUserPool) { p.SetAliasAttributes(jsii.Strings("email", "preferred_username")) },
		"UsernameConfiguration": func(p awscognito.CfnUserPool) {
			p.AddPropertyOverride(jsii.String("UsernameConfiguration.CaseSensitive"), true)
		},
		"Schema": func(p awscognito.CfnUserPool) {
			p.AddPropertyOverride(jsii.String("Schema.0.Required"), false)
		},
		PinLogicalID: func(p awscognito.CfnUserPool) { p.OverrideLogicalId(jsii.String("UserPoolRenamed")) },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := guardedApp(t, nil, change)
			if err == nil {
				t.Fatal("the synth accepted a change that replaces the pool")
			}
			for _, want := range []string{name + ": ", "-c confirmPoolReplacement=", "replaces the pool", PoolPinFile} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the refusal lacks %q:\n%v", want, err)
				}
			}
		})
	}
	t.Run("a change that updates the pool in place passes", func(t *testing.T) {
		if _, err := guardedApp(t, nil, func(p awscognito.CfnUserPool) { p.SetUserPoolName(jsii.String("renamed")) }); err != nil {
			t.Error(err)
		}
	})
	t.Run("existing-pool mode has no pool to guard", func(t *testing.T) {
		if err := CheckPoolReplacement(map[string]any{"Resources": map[string]any{}}, ""); err != nil {
			t.Error(err)
		}
	})
	t.Run("a confirmation that is not a pool ID", func(t *testing.T) {
		if _, err := guardedApp(t, map[string]any{KeyConfirmPoolReplacement: "yes"}, nil); err == nil || !strings.Contains(err.Error(), "want the ID of the user pool being replaced") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestPoolPinMatchesTheStack: the committed pin is the stack's pool as it is now, property by
// property (a stale pin would refuse every synth; a pin of nothing would pass every change).
func TestPoolPinMatchesTheStack(t *testing.T) {
	var pinned map[string]any
	if err := json.Unmarshal(poolPin, &pinned); err != nil {
		t.Fatal(err)
	}
	if len(pinned) != len(PoolReplacementProperties)+1 || pinned[PinLogicalID] == nil {
		t.Errorf("%s pins %d entries; want the logical ID and %v", PoolPinFile, len(pinned), PoolReplacementProperties)
	}
	if fmt.Sprint(pinned["UsernameAttributes"]) != "[email]" || pinned["AliasAttributes"] != nil {
		t.Errorf("the pin does not hold what stack.go asks for (the email address as user name): %v", pinned)
	}
	if _, err := guardedApp(t, nil, nil); err != nil {
		t.Errorf("the stack as it is does not match %s: %v", PoolPinFile, err)
	}
}

// TestPoolReplacementConfirmed: confirmed with the old pool's ID, the deploy-time resource carries
// the confirmation, its provider may detach that pool (and only that one more), and it is deleted
// before the invoke permission in the cleanup.
func TestPoolReplacementConfirmed(t *testing.T) {
	const old = "eu-central-1_OldPool01"
	stack, err := guardedApp(t, map[string]any{KeyConfirmPoolReplacement: old}, func(p awscognito.CfnUserPool) {
		p.AddPropertyOverride(jsii.String("UsernameAttributes"), []string{"phone_number"})
	})
	if err != nil {
		t.Fatalf("a confirmed replacement was refused: %v", err)
	}
	tpl := assertions.Template_FromStack(stack.Stack, nil)
	poolID, _ := only(t, tpl, "AWS::Cognito::UserPool")
	expect(t, "detach resource", func() {
		tpl.HasResourceProperties(jsii.String(DetachResourceType), map[string]any{
			"UserPoolId": map[string]any{"Ref": poolID}, "ConfirmPoolReplacement": old,
		})
	})
	_, provider := prefixed(t, tpl, "AWS::Lambda::Function", "DetachOnStackDeleteProvider")
	if env := provider["Environment"].(map[string]any)["Variables"].(map[string]any); env["RETIRED_POOL_ID"] != old {
		t.Errorf("provider environment %v", env)
	}
	var cognito []any
	for _, st := range statements(tpl, "DetachOnStackDelete") {
		if strings.Contains(fmt.Sprint(st["Action"]), "cognito-idp") {
			cognito = append(cognito, st["Resource"])
		}
	}
	oldArn := map[string]any{"Fn::Join": []any{"", []any{
		"arn:", map[string]any{"Ref": "AWS::Partition"}, ":cognito-idp:", map[string]any{"Ref": "AWS::Region"}, ":",
		map[string]any{"Ref": "AWS::AccountId"}, ":userpool/" + old,
	}}}
	if len(cognito) != 2 || !reflect.DeepEqual(cognito[0], map[string]any{"Fn::GetAtt": []any{poolID, "Arn"}}) && !reflect.DeepEqual(cognito[1], map[string]any{"Fn::GetAtt": []any{poolID, "Arn"}}) ||
		!reflect.DeepEqual(cognito[0], oldArn) && !reflect.DeepEqual(cognito[1], oldArn) {
		t.Errorf("Cognito statements on %v; want the pool and %s", cognito, old)
	}
	t.Run("cdk-nag finds nothing unsuppressed", func(t *testing.T) { expectNagClean(t, stack) })
}

// TestDetachBeforePermission: the detach resource depends on the pool's invoke permission, so a
// replacement's cleanup detaches the old pool before that permission goes.
func TestDetachBeforePermission(t *testing.T) {
	_, tpl := synth(t, nil)
	permID, _ := prefixed(t, tpl, "AWS::Lambda::Permission", "FunctionCognitoInvoke")
	id, _ := prefixed(t, tpl, DetachResourceType, "DetachOnStackDelete")
	if deps := fmt.Sprint(resources(tpl, DetachResourceType)[id]["DependsOn"]); !strings.Contains(deps, permID) {
		t.Errorf("the detach resource does not depend on %s: DependsOn %s", permID, deps)
	}
	expect(t, "no confirmation without the key", func() {
		tpl.HasResourceProperties(jsii.String(DetachResourceType), map[string]any{"ConfirmPoolReplacement": assertions.Match_Absent()})
	})
}
