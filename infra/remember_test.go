package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
)

// rememberStatements are the IAM statements, in any policy, that grant a Cognito action to the
// trigger function's role (roleID), and every statement anywhere that names the write action.
func rememberStatements(t *testing.T, tpl assertions.Template, roleID string) (fnCognito, anyWrite []map[string]any) {
	t.Helper()
	for _, p := range resources(tpl, "AWS::IAM::Policy") {
		props := p["Properties"].(map[string]any)
		ours := strings.Contains(fmt.Sprint(props["Roles"]), roleID)
		for _, st := range props["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := st.(map[string]any)
			actions := fmt.Sprint(st["Action"])
			if ours && strings.Contains(actions, "cognito-idp") {
				fnCognito = append(fnCognito, st)
			}
			if strings.Contains(actions, "AdminUpdateUserAttributes") {
				anyWrite = append(anyWrite, st)
			}
		}
	}
	return fnCognito, anyWrite
}

func triggerRoleID(t *testing.T, tpl assertions.Template) string {
	t.Helper()
	role := fmt.Sprint(triggerFunction(t, tpl)["Role"]) // map[Fn::GetAtt:[FunctionRoleXXXX Arn]]
	for id := range resources(tpl, "AWS::IAM::Role") {
		if strings.Contains(role, id+" ") {
			return id
		}
	}
	t.Fatalf("no role for the trigger (%s)", role)
	return ""
}

func wantOneWriteStatement(t *testing.T, tpl assertions.Template, poolArn any) {
	t.Helper()
	fnCognito, anyWrite := rememberStatements(t, tpl, triggerRoleID(t, tpl))
	want := map[string]any{"Sid": "RememberLocaleInOwnPool", "Effect": "Allow", "Action": "cognito-idp:AdminUpdateUserAttributes", "Resource": poolArn}
	if len(fnCognito) != 1 || len(anyWrite) != 1 || !reflect.DeepEqual(fnCognito[0], want) {
		t.Errorf("the function's Cognito statements %v (write anywhere: %d); want exactly %v", fnCognito, len(anyWrite), want)
	}
}

func wantFailureMetric(t *testing.T, tpl assertions.Template, n int) {
	t.Helper()
	var found int
	for _, f := range resources(tpl, "AWS::Logs::MetricFilter") {
		p := f["Properties"].(map[string]any)
		if strings.Contains(fmt.Sprint(p["MetricTransformations"]), RememberFailuresMetric) {
			found++
			if want := `{ ($.remember_locale = "failed") || ($.remember_locale = "timeout") }`; p["FilterPattern"] != want {
				t.Errorf("FilterPattern %v; want %s", p["FilterPattern"], want)
			}
		}
	}
	if found != n {
		t.Errorf("%d %s metric filters; want %d", found, RememberFailuresMetric, n)
	}
}

// TestRememberLocaleOff: the default stack grants no write, sets no REMEMBER_LOCALE and has no
// failure metric, in both modes.
func TestRememberLocaleOff(t *testing.T) {
	for _, c := range []map[string]any{nil, {KeyUserPoolID: existingPool}, {KeyRememberLocale: false}} {
		_, tpl := synth(t, c)
		fn := triggerFunction(t, tpl)
		if _, ok := fn["Environment"].(map[string]any)["Variables"].(map[string]any)["REMEMBER_LOCALE"]; ok {
			t.Errorf("%v: REMEMBER_LOCALE set", c)
		}
		if fnCognito, anyWrite := rememberStatements(t, tpl, triggerRoleID(t, tpl)); len(fnCognito)+len(anyWrite) != 0 {
			t.Errorf("%v: Cognito statements for the function %v, writes %v", c, fnCognito, anyWrite)
		}
		wantFailureMetric(t, tpl, 0)
	}
}

// TestRememberLocaleStackPool: on the pool the stack creates, the function may update user
// attributes in that pool only, and the template has no cycle: the pool refers to neither the
// function nor its role (it calls the function by its fixed name).
func TestRememberLocaleStackPool(t *testing.T) {
	stack, tpl := synth(t, map[string]any{KeyRememberLocale: true})
	fn := triggerFunction(t, tpl)
	if v := fn["Environment"].(map[string]any)["Variables"].(map[string]any)["REMEMBER_LOCALE"]; v != "true" {
		t.Errorf("REMEMBER_LOCALE = %v; want true", v)
	}
	poolID, _ := only(t, tpl, "AWS::Cognito::UserPool")
	wantOneWriteStatement(t, tpl, map[string]any{"Fn::GetAtt": []any{poolID, "Arn"}})
	wantFailureMetric(t, tpl, 1)

	pool, _ := json.Marshal(resources(tpl, "AWS::Cognito::UserPool")[poolID])
	fnID, _ := prefixed(t, tpl, "AWS::Lambda::Function", "Function")
	for _, id := range []string{fnID, triggerRoleID(t, tpl), "FunctionRoleDefaultPolicy"} {
		if strings.Contains(string(pool), id) {
			t.Errorf("the pool refers to %s: a cycle with the role policy that refers to the pool: %s", id, pool)
		}
	}
	expectNagClean(t, stack)
}

// TestRememberLocaleExistingPool: on an existing pool, the grant names that pool's ARN.
func TestRememberLocaleExistingPool(t *testing.T) {
	stack, tpl := synth(t, map[string]any{KeyUserPoolID: existingPool, KeyRememberLocale: "true"})
	if v := triggerFunction(t, tpl)["Environment"].(map[string]any)["Variables"].(map[string]any)["REMEMBER_LOCALE"]; v != "true" {
		t.Errorf("REMEMBER_LOCALE = %v; want true", v)
	}
	wantOneWriteStatement(t, tpl, map[string]any{"Fn::Join": []any{"", []any{
		"arn:", map[string]any{"Ref": "AWS::Partition"}, ":cognito-idp:", map[string]any{"Ref": "AWS::Region"}, ":",
		map[string]any{"Ref": "AWS::AccountId"}, ":userpool/" + existingPool,
	}}})
	wantFailureMetric(t, tpl, 1)
	expectNagClean(t, stack)
}

func TestRememberLocaleConfig(t *testing.T) {
	for v, want := range map[any]bool{nil: false, false: false, "false": false, true: true, "TRUE": true} {
		c, err := LoadConfig(ctx(map[string]any{KeyRememberLocale: v}))
		if err != nil || c.RememberLocale != want {
			t.Errorf("%s=%v: got %v, %v; want %v", KeyRememberLocale, v, c.RememberLocale, err, want)
		}
	}
	if _, err := LoadConfig(ctx(map[string]any{KeyRememberLocale: "yes"})); err == nil || !strings.Contains(err.Error(), `rememberLocale "yes": true or false`) {
		t.Errorf("err = %v", err)
	}
}
