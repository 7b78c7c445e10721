package main

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"cognito-custom-message/templates"
)

func TestCheckSMS(t *testing.T) {
	var out bytes.Buffer
	if err := checkSMS(templates.Files(), "My App", &out); err != nil || out.Len() != 0 {
		t.Errorf("default appName: err %v, output %q; want neither", err, out.String())
	}

	// The longest product name the stack accepts puts UCS-2 messages over one segment: warnings only.
	out.Reset()
	if err := checkSMS(templates.Files(), strings.Repeat("W", 32), &out); err != nil {
		t.Errorf("32-character appName: %v", err)
	}
	if !strings.Contains(out.String(), "templates/es/Authentication.sms.txt: warning: [sms-segments]") {
		t.Errorf("no segment warning for es/Authentication with a 32-character appName:\n%s", out.String())
	}

	// An SMS over 140 characters with the stack's name fails the synth.
	tree := fstest.MapFS{}
	err := fs.WalkDir(templates.Files(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templates.Files(), p)
		tree[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// 125 + 1 + a 6-digit code + 1 + 10 = 143 UTF-16 units.
	tree["en/SignUp.sms.txt"] = &fstest.MapFile{Data: []byte(strings.Repeat("x", 125) + " {{.Code}} {{.AppName}}\n")}
	out.Reset()
	err = checkSMS(tree, "Acme Cloud", &out)
	if err == nil || !strings.Contains(err.Error(), `appName "Acme Cloud"`) {
		t.Errorf("err = %v; want the SMS over the limit named with the appName", err)
	}
	if !strings.Contains(out.String(), "templates/en/SignUp.sms.txt: error: [limit] 143 UTF-16 units") {
		t.Errorf("the message over the limit is not listed:\n%s", out.String())
	}
}

// TestPasswordPolicyMatchesTheLinter: the linter measures invitations with a temporary password as
// long as the stack's password policy minimum; if one changes, the other must.
func TestPasswordPolicyMatchesTheLinter(t *testing.T) {
	_, tpl := synth(t, nil)
	_, props := only(t, tpl, "AWS::Cognito::UserPool")
	policies, _ := props["Policies"].(map[string]any)
	policy, _ := policies["PasswordPolicy"].(map[string]any)
	if got, _ := policy["MinimumLength"].(float64); int(got) != templates.TemporaryPasswordLength {
		t.Errorf("password policy MinimumLength %v; templates.TemporaryPasswordLength %d", policy["MinimumLength"], templates.TemporaryPasswordLength)
	}
}
