package main

import (
	"reflect"
	"strings"
	"testing"
)

func ctx(m map[string]any) func(string) any { return func(k string) any { return m[k] } }

func TestLoadConfigDefaults(t *testing.T) {
	t.Setenv("BRANDS_DIR", "")
	c, err := LoadConfig(ctx(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Stage: "dev", StackName: "CognitoCustomMessage-dev", AppName: "My App", DefaultLocale: "en", LogRetentionDays: 30,
		AssetDir: "build/lambda", ProviderAssetDir: "build/provider",
		Client: ClientConfig{AccessTokenMinutes: 60, IDTokenMinutes: 60, RefreshTokenDays: 30},
		Brands: BrandsConfig{Dir: "brands"}, Delivery: DeliveryCustomMessage}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v; want %+v", c, want)
	}
}

func TestLoadConfigValues(t *testing.T) {
	// cdk.json gives numbers as numbers, -c gives strings: both work.
	for _, days := range []any{float64(365), "365"} {
		c, err := LoadConfig(ctx(map[string]any{KeyLogRetentionDays: days, KeyDefaultLocale: "pt-BR", KeyStackName: "Auth-Messages"}))
		if err != nil {
			t.Fatal(err)
		}
		if c.LogRetentionDays != 365 || c.DefaultLocale != "pt-BR" || c.StackName != "Auth-Messages" {
			t.Errorf("got %+v", c)
		}
	}
	// Empty SES keys (as in cdk.json) mean Cognito's own sender.
	c, err := LoadConfig(ctx(map[string]any{KeySESFromEmail: "", KeySESRegion: ""}))
	if err != nil || c.SES != nil {
		t.Errorf("got %+v, %v; want no SES", c.SES, err)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	cases := []struct {
		name    string
		context map[string]any
		want    string
	}{
		{"unknown default locale", map[string]any{KeyDefaultLocale: "xx"}, `defaultLocale "xx": unknown; shipped locales are ar, `},
		{"non-canonical default locale", map[string]any{KeyDefaultLocale: "pt_br"}, `defaultLocale "pt_br": unknown`},
		{"malformed from-address", map[string]any{KeySESFromEmail: "not-an-email"}, `sesFromEmail "not-an-email": not an email address`},
		{"from-address with a name", map[string]any{KeySESFromEmail: "Acme <a@b.example>"}, `sesFromEmail "Acme <a@b.example>": not an email address`},
		{"address without a dot", map[string]any{KeySESFromEmail: "a@localhost"}, `not an email address`},
		{"malformed reply-to", map[string]any{KeySESFromEmail: "a@b.example", KeySESReplyTo: "@@"}, `sesReplyTo "@@": not an email address`},
		{"SES without from", map[string]any{KeySESRegion: "eu-west-1"}, "sesRegion is set but sesFromEmail is not"},
		{"bad SES region", map[string]any{KeySESFromEmail: "a@b.example", KeySESRegion: "mars"}, `sesRegion "mars": not an AWS region`},
		{"bad retention", map[string]any{KeyLogRetentionDays: "31"}, `logRetentionDays "31": one of CloudWatch's retention periods`},
		{"retention not a number", map[string]any{KeyLogRetentionDays: "forever"}, `logRetentionDays "forever"`},
		{"app name with a control character", map[string]any{KeyAppName: "Acme\u200f"}, `appName "Acme\u200f"`},
		{"app name too long", map[string]any{KeyAppName: strings.Repeat("A", 33)}, "appName"},
		{"empty app name", map[string]any{KeyAppName: ""}, "appName"},
		{"bad stage", map[string]any{KeyStage: "prod/eu"}, `stage "prod/eu"`},
		{"wrong type", map[string]any{KeyAppName: []any{"x"}}, "appName: want a string"},
		{"bad pool ID", map[string]any{KeyUserPoolID: "my-pool"}, `userPoolId "my-pool": not a user pool ID`},
		{"replace without a pool", map[string]any{KeyReplaceExisting: "true"}, "replaceExistingTrigger is set but userPoolId is not"},
		{"replace not a boolean", map[string]any{KeyUserPoolID: "eu-west-1_Abc", KeyReplaceExisting: "yes"}, `replaceExistingTrigger "yes": true or false`},
		{"managed without a pool", map[string]any{KeyAllowManagedPool: "true"}, "allowManagedPool is set but userPoolId is not"},
		{"managed not a boolean", map[string]any{KeyUserPoolID: "eu-west-1_Abc", KeyAllowManagedPool: "1"}, `allowManagedPool "1": true or false`},
		{"SMS role without a pool", map[string]any{KeyPoolSMSRoleArn: "arn:aws:iam::123456789012:role/sms"}, "poolSmsRoleArn is set but userPoolId is not"},
		{"SMS role not a role", map[string]any{KeyUserPoolID: "eu-west-1_Abc", KeyPoolSMSRoleArn: "arn:aws:iam::123456789012:user/bob"}, `poolSmsRoleArn "arn:aws:iam::123456789012:user/bob": not an IAM role ARN`},
		{"bad alarm topic", map[string]any{KeyAlarmTopicArn: "ops-alerts"}, `alarmTopicArn "ops-alerts": not an SNS topic ARN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadConfig(ctx(c.context))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v; want it to contain %q", err, c.want)
			}
		})
	}
	// Every problem is reported at once.
	_, err := LoadConfig(ctx(map[string]any{KeyDefaultLocale: "xx", KeyLogRetentionDays: "2"}))
	if err == nil || !strings.Contains(err.Error(), "defaultLocale") || !strings.Contains(err.Error(), "logRetentionDays") {
		t.Errorf("err = %v; want both problems", err)
	}
}
