package main

import (
	"strings"
	"testing"
)

const topic = "arn:aws:sns:eu-west-1:123456789012:ops-alerts"

// The two messages the guard prints, by their distinctive parts.
const (
	sesMissing   = `sesFromEmail is required for production stage "prod": Cognito's default email sender allows 50 emails a day`
	topicMissing = `alarmTopicArn is required for production stage "prod": the alarms on template fallbacks, function errors and throttles would notify nobody`
)

func TestProductionGuard(t *testing.T) {
	cases := []struct {
		name    string
		context map[string]any
		want    []string // messages the error must contain, each once; none: synth proceeds
		notWant []string
	}{
		{"prod without SES and topic: one message each", map[string]any{KeyStage: "prod"}, []string{sesMissing, topicMissing}, nil},
		{"prod without SES", map[string]any{KeyStage: "prod", KeyAlarmTopicArn: topic}, []string{sesMissing}, []string{"alarmTopicArn is required"}},
		{"prod without topic", map[string]any{KeyStage: "prod", KeySESFromEmail: "no-reply@acme.example"}, []string{topicMissing}, []string{"sesFromEmail is required"}},
		{"prod complete", map[string]any{KeyStage: "prod", KeySESFromEmail: "no-reply@acme.example", KeyAlarmTopicArn: topic}, nil, nil},
		{"prod in another case", map[string]any{KeyStage: "Prod"}, []string{`sesFromEmail is required for production stage "Prod"`, `alarmTopicArn is required for production stage "Prod"`}, nil},
		{"dev is not production", map[string]any{KeyStage: "dev"}, nil, nil},
		{"a stage named like prod is not production", map[string]any{KeyStage: "prod-test"}, nil, nil},
		{"productionStages from cdk.json, a JSON list", map[string]any{KeyStage: "live", KeyProductionStages: []any{"prod", "live"}}, []string{`sesFromEmail is required for production stage "live"`}, nil},
		{"productionStages from -c, comma-separated", map[string]any{KeyStage: "live", KeyProductionStages: "eu-live, live"}, []string{`alarmTopicArn is required for production stage "live"`}, nil},
		{"productionStages from -c, a JSON list as text", map[string]any{KeyStage: "live", KeyProductionStages: `["live"]`}, []string{`alarmTopicArn is required for production stage "live"`}, nil},
		{"productionStages does not remove prod", map[string]any{KeyStage: "prod", KeyProductionStages: []any{"live"}}, []string{sesMissing, topicMissing}, nil},
		{"productionStages from make's CDK_ARGS, quotes eaten by the shell", map[string]any{KeyStage: "live", KeyProductionStages: "[eu-live, live]"}, []string{`alarmTopicArn is required for production stage "live"`}, nil},
		{"productionStages empty", map[string]any{KeyStage: "live", KeyProductionStages: ""}, nil, nil},
		{"existing pool: its sender is its owner's, the topic is still required",
			map[string]any{KeyStage: "prod", KeyUserPoolID: "eu-west-1_Abc"}, []string{topicMissing}, []string{"sesFromEmail is required"}},
		{"prod customSender without a sender identity", map[string]any{KeyStage: "prod", KeyDelivery: DeliveryCustomSender, KeyAlarmTopicArn: topic},
			[]string{`sesFromEmail is required for production stage "prod": with delivery=customSender the sender function needs a verified SES identity to send from (EMAIL_FROM)`}, []string{sesMissing}},
		{"prod customSender on an existing pool: the sender's identity is ours to give", map[string]any{KeyStage: "prod", KeyDelivery: DeliveryCustomSender, KeyAlarmTopicArn: topic, KeyUserPoolID: "eu-west-1_Abc"},
			[]string{"with delivery=customSender the sender function needs a verified SES identity"}, nil},
		{"prod customSender complete", map[string]any{KeyStage: "prod", KeyDelivery: DeliveryCustomSender, KeyAlarmTopicArn: topic, KeySESFromEmail: "no-reply@acme.example"}, nil, nil},
		{"prod customSender with a brand that has no fromEmail", map[string]any{KeyStage: "prod", KeyDelivery: DeliveryCustomSender, KeyAlarmTopicArn: topic, KeySESFromEmail: "no-reply@acme.example", KeyBrandsDir: exampleBrands},
			[]string{`brand acme's fromEmail is required for production stage "prod": with delivery=customSender a brand without fromEmail`}, []string{"brand northwind's"}},
		{"prod customMessage with the same brands: Cognito sends from the pool's one address anyway", map[string]any{KeyStage: "prod", KeyAlarmTopicArn: topic, KeySESFromEmail: "no-reply@acme.example", KeyBrandsDir: exampleBrands}, nil, nil},
		{"allowUnsafeProd waives both", map[string]any{KeyStage: "prod", KeyAllowUnsafeProd: "true"}, nil, nil},
		{"allowUnsafeProd from cdk.json", map[string]any{KeyStage: "prod", KeyAllowUnsafeProd: true}, nil, nil},
		{"allowUnsafeProd false", map[string]any{KeyStage: "prod", KeyAllowUnsafeProd: false, KeyAlarmTopicArn: topic}, []string{sesMissing}, nil},
		{"allowUnsafeProd not a boolean", map[string]any{KeyStage: "prod", KeyAllowUnsafeProd: "yes"}, []string{`allowUnsafeProd "yes": true or false`}, nil},
		{"bad productionStages entry", map[string]any{KeyProductionStages: "live,eu/live"}, []string{`productionStages: "eu/live" is not a stage name`}, nil},
		{"productionStages malformed JSON", map[string]any{KeyProductionStages: `["live"`}, []string{`productionStages "[\"live\"": not a list of stage names`}, nil},
		{"productionStages brackets without an end", map[string]any{KeyProductionStages: `[live`}, []string{`productionStages "[live": not a list of stage names`}, nil},
		{"productionStages without quotes, a bad entry", map[string]any{KeyProductionStages: `[live, eu/live]`}, []string{`productionStages: "eu/live" is not a stage name`}, nil},
		{"productionStages JSON with a non-string", map[string]any{KeyProductionStages: `["live", {}]`}, []string{`productionStages "[\"live\", {}]": not a list of stage names`}, nil},
		{"productionStages of the wrong type", map[string]any{KeyProductionStages: float64(1)}, []string{"productionStages: want a list of stage names"}, nil},
		{"productionStages with a non-string", map[string]any{KeyProductionStages: []any{"live", true}}, []string{"got an element of type bool"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadConfig(ctx(c.context))
			if len(c.want) == 0 {
				if err != nil {
					t.Fatalf("err = %v; want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error; want %q", c.want)
			}
			for _, w := range c.want {
				if n := strings.Count(err.Error(), w); n != 1 {
					t.Errorf("err = %v; want %q once, found %d times", err, w, n)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(err.Error(), w) {
					t.Errorf("err = %v; want no %q", err, w)
				}
			}
		})
	}
}

func TestProductionGuardMessageSaysHowToFix(t *testing.T) {
	_, err := LoadConfig(ctx(map[string]any{KeyStage: "prod"}))
	if err == nil {
		t.Fatal("no error for prod without SES and topic")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 { // the header and one line per missing setting
		t.Fatalf("err = %q; want a header and two lines", err)
	}
	for _, want := range []string{"-c sesFromEmail=", "-c alarmTopicArn=arn:aws:sns:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v; want the fix %q", err, want)
		}
	}
	if n := strings.Count(err.Error(), "-c allowUnsafeProd=true"); n != 2 {
		t.Errorf("err = %v; want the override named on both lines, found %d", err, n)
	}
}

func TestWaivers(t *testing.T) {
	cases := []struct {
		name    string
		context map[string]any
		want    []string // the keys each warning line names, in order
	}{
		{"prod without both", map[string]any{KeyStage: "prod", KeyAllowUnsafeProd: "true"}, []string{KeySESFromEmail, KeyAlarmTopicArn}},
		{"prod without topic", map[string]any{KeyStage: "prod", KeyAllowUnsafeProd: "true", KeySESFromEmail: "a@b.example"}, []string{KeyAlarmTopicArn}},
		{"prod complete: nothing waived", map[string]any{KeyStage: "prod", KeyAllowUnsafeProd: "true", KeySESFromEmail: "a@b.example", KeyAlarmTopicArn: topic}, nil},
		{"dev: nothing to waive", map[string]any{KeyAllowUnsafeProd: "true"}, nil},
		{"no override: no waiver", map[string]any{KeyStage: "prod", KeySESFromEmail: "a@b.example", KeyAlarmTopicArn: topic}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(ctx(c.context))
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.Waivers()
			if len(got) != len(c.want) {
				t.Fatalf("waivers %q; want %d naming %v", got, len(c.want), c.want)
			}
			for i, key := range c.want {
				if want := `allowUnsafeProd=true: production stage "prod" without ` + key + ": "; !strings.HasPrefix(got[i], want) {
					t.Errorf("waiver %q; want it to start with %q", got[i], want)
				}
			}
		})
	}
}
