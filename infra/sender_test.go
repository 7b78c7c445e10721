package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
)

// senderContext is a complete customSender deployment.
var senderContext = map[string]any{
	KeyDelivery:            DeliveryCustomSender,
	KeySESFromEmail:        "no-reply@acme.example",
	KeySESFromName:         "Acme",
	KeySESReplyTo:          "help@acme.example",
	KeySESRegion:           "eu-west-1",
	KeySESConfigurationSet: "acme-tx",
	KeySMSSenderID:         "Acme",
	KeySenderIdentities:    "mail.northwind.example, no-reply@globex.example",
	KeyAlarmTopicArn:       topic,
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// senderFunction returns the function with KMS_KEY_ARN in its environment: the sender.
func senderFunction(t *testing.T, tpl assertions.Template) (string, map[string]any) {
	t.Helper()
	var id string
	var props map[string]any
	for rid, r := range resources(tpl, "AWS::Lambda::Function") {
		p := r["Properties"].(map[string]any)
		if env, ok := p["Environment"].(map[string]any); ok && env["Variables"].(map[string]any)["KMS_KEY_ARN"] != nil {
			if id != "" {
				t.Fatalf("two functions with KMS_KEY_ARN: %s, %s", id, rid)
			}
			id, props = rid, p
		}
	}
	if id == "" {
		t.Fatal("no function with KMS_KEY_ARN")
	}
	return id, props
}

func TestCustomSenderKey(t *testing.T) {
	stack, tpl := synth(t, senderContext)
	expectNagClean(t, stack)
	keyID, _ := only(t, tpl, "AWS::KMS::Key")
	key := resources(tpl, "AWS::KMS::Key")[keyID]
	props := key["Properties"].(map[string]any)
	if props["EnableKeyRotation"] != true {
		t.Errorf("EnableKeyRotation = %v; want true", props["EnableKeyRotation"])
	}
	if key["DeletionPolicy"] != "Retain" || key["UpdateReplacePolicy"] != "Retain" {
		t.Errorf("DeletionPolicy %v, UpdateReplacePolicy %v; want Retain (retried and queued codes need the key)", key["DeletionPolicy"], key["UpdateReplacePolicy"])
	}
	_, alias := only(t, tpl, "AWS::KMS::Alias")
	if alias["AliasName"] != "alias/CognitoCustomMessage-dev-custom-sender" {
		t.Errorf("alias %v", alias["AliasName"])
	}
	var cognito []map[string]any
	for _, st := range props["KeyPolicy"].(map[string]any)["Statement"].([]any) {
		st := st.(map[string]any)
		p := jsonOf(t, st["Principal"])
		switch {
		case strings.Contains(p, "cognito-idp.amazonaws.com"):
			cognito = append(cognito, st)
		case strings.Contains(p, ":root"):
			// The account's admin statement, which lets IAM policies (the sender's Decrypt) apply.
		default:
			t.Errorf("unexpected key policy principal %s", p)
		}
	}
	if len(cognito) != 1 {
		t.Fatalf("%d statements for Cognito; want 1", len(cognito))
	}
	st := cognito[0]
	if st["Action"] != "kms:Encrypt" || st["Effect"] != "Allow" {
		t.Errorf("Cognito may %v (%v); want to kms:Encrypt only", st["Action"], st["Effect"])
	}
	cond := st["Condition"].(map[string]any)
	if got := jsonOf(t, cond["StringEquals"]); got != `{"aws:SourceAccount":{"Ref":"AWS::AccountId"}}` {
		t.Errorf("StringEquals = %s; want this account as aws:SourceAccount", got)
	}
	src := jsonOf(t, cond["ArnLike"])
	for _, want := range []string{"aws:SourceArn", ":cognito-idp:", "AWS::Region", "AWS::AccountId", ":userpool/*"} {
		if !strings.Contains(src, want) {
			t.Errorf("ArnLike = %s; want %q in it (this account's pools in this region)", src, want)
		}
	}
	// The sender may decrypt with this key and nothing else; Cognito's Encrypt is not the sender's.
	var kms []map[string]any
	for _, st := range statements(tpl, "SenderRole") {
		if strings.Contains(jsonOf(t, st["Action"]), "kms:") {
			kms = append(kms, st)
		}
	}
	if len(kms) != 1 || kms[0]["Action"] != "kms:Decrypt" || jsonOf(t, kms[0]["Resource"]) != `{"Fn::GetAtt":["`+keyID+`","Arn"]}` {
		t.Errorf("sender's KMS statements %s; want one kms:Decrypt on %s", jsonOf(t, kms), keyID)
	}
}

func TestCustomSenderPool(t *testing.T) {
	_, tpl := synth(t, senderContext)
	poolID, pool := only(t, tpl, "AWS::Cognito::UserPool")
	keyID, _ := only(t, tpl, "AWS::KMS::Key")
	lc := pool["LambdaConfig"].(map[string]any)
	if _, ok := lc["CustomMessage"]; ok {
		t.Errorf("LambdaConfig.CustomMessage is set in customSender mode: %s", jsonOf(t, lc))
	}
	wantArn := `{"Fn::Sub":"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:CognitoCustomMessage-dev-Sender"}`
	for _, k := range []string{"CustomEmailSender", "CustomSMSSender"} {
		v, ok := lc[k].(map[string]any)
		if !ok {
			t.Errorf("LambdaConfig.%s missing: %s", k, jsonOf(t, lc))
			continue
		}
		if v["LambdaVersion"] != "V1_0" || jsonOf(t, v["LambdaArn"]) != wantArn {
			t.Errorf("LambdaConfig.%s = %s; want V1_0 and %s", k, jsonOf(t, v), wantArn)
		}
	}
	if got := jsonOf(t, lc["KMSKeyID"]); got != `{"Fn::GetAtt":["`+keyID+`","Arn"]}` {
		t.Errorf("KMSKeyID = %s; want the key's ARN", got)
	}
	sid, fn := senderFunction(t, tpl)
	if fn["FunctionName"] != "CognitoCustomMessage-dev-Sender" || fn["Runtime"] != "provided.al2023" ||
		jsonOf(t, fn["Architectures"]) != `["arm64"]` || fn["Timeout"] != float64(SenderTimeout) || fn["MemorySize"] != float64(128) {
		t.Errorf("sender function %v %v %v timeout %v memory %v", fn["FunctionName"], fn["Runtime"], fn["Architectures"], fn["Timeout"], fn["MemorySize"])
	}
	env := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
	for k, want := range map[string]string{
		"EMAIL_FROM": "Acme <no-reply@acme.example>", "EMAIL_REPLY_TO": "help@acme.example",
		"SES_CONFIGURATION_SET": "acme-tx", "SMS_SENDER_ID": "Acme", "APP_NAME": PlaceholderAppName, "DEFAULT_LOCALE": "en",
	} {
		if env[k] != want {
			t.Errorf("sender %s = %v; want %q", k, env[k], want)
		}
	}
	if got := jsonOf(t, env["KMS_KEY_ARN"]); got != `{"Fn::GetAtt":["`+keyID+`","Arn"]}` {
		t.Errorf("KMS_KEY_ARN = %s", got)
	}
	// Cognito may invoke the sender on behalf of this pool and account only; nobody invokes the
	// CustomMessage function any more.
	var perms []map[string]any
	for _, r := range resources(tpl, "AWS::Lambda::Permission") {
		p := r["Properties"].(map[string]any)
		if p["Principal"] == "cognito-idp.amazonaws.com" {
			perms = append(perms, p)
		}
	}
	if len(perms) != 1 {
		t.Fatalf("%d Cognito invoke permissions; want 1 (the sender's)", len(perms))
	}
	p := perms[0]
	if jsonOf(t, p["FunctionName"]) != `{"Fn::GetAtt":["`+sid+`","Arn"]}` ||
		jsonOf(t, p["SourceArn"]) != `{"Fn::GetAtt":["`+poolID+`","Arn"]}` ||
		jsonOf(t, p["SourceAccount"]) != `{"Ref":"AWS::AccountId"}` {
		t.Errorf("invoke permission %s; want the sender, SourceArn the pool, SourceAccount this account", jsonOf(t, p))
	}
}

func TestCustomSenderPermissions(t *testing.T) {
	_, tpl := synth(t, senderContext)
	var ses, sns []map[string]any
	for _, st := range statements(tpl, "SenderRole") {
		a := jsonOf(t, st["Action"])
		if strings.Contains(a, "ses:") {
			ses = append(ses, st)
		}
		if strings.Contains(a, "sns:") {
			sns = append(sns, st)
		}
	}
	if len(ses) != 1 || jsonOf(t, ses[0]["Action"]) != `["ses:SendEmail","ses:SendRawEmail"]` {
		t.Fatalf("SES statements %s", jsonOf(t, ses))
	}
	res := jsonOf(t, ses[0]["Resource"])
	for _, want := range []string{
		":identity/no-reply@acme.example", ":identity/acme.example", ":identity/mail.northwind.example",
		":identity/no-reply@globex.example", ":identity/globex.example", ":configuration-set/acme-tx",
	} {
		if strings.Count(res, want+`"`) != 1 {
			t.Errorf("SES resources %s; want %s once", res, want)
		}
	}
	if strings.Contains(res, `"*"`) || strings.Contains(res, "identity/*") {
		t.Errorf("SES resources %s: a wildcard", res)
	}
	if len(sns) != 1 || sns[0]["Action"] != "sns:Publish" || sns[0]["Resource"] != "*" {
		t.Errorf("SNS statements %s; want sns:Publish on * (SMS to a number has no resource)", jsonOf(t, sns))
	}
}

func TestCustomSenderFailures(t *testing.T) {
	_, tpl := synth(t, senderContext)
	qid, q := only(t, tpl, "AWS::SQS::Queue")
	if q["MessageRetentionPeriod"] != float64(14*24*3600) || q["SqsManagedSseEnabled"] != true {
		t.Errorf("queue %s; want 14 days' retention, SQS-managed encryption", jsonOf(t, q))
	}
	_, qp := only(t, tpl, "AWS::SQS::QueuePolicy")
	if doc := jsonOf(t, qp["PolicyDocument"]); !strings.Contains(doc, `"Effect":"Deny"`) || !strings.Contains(doc, `{"Bool":{"aws:SecureTransport":"false"}}`) {
		t.Errorf("queue policy %s; want TLS enforced", doc)
	}
	sid, _ := senderFunction(t, tpl)
	rid, rec := recorderFunction(t, tpl)
	// The sender's failures go to the recorder, never to the queue as they are.
	eics := map[string]map[string]any{}
	for _, r := range resources(tpl, "AWS::Lambda::EventInvokeConfig") {
		p := r["Properties"].(map[string]any)
		eics[jsonOf(t, p["FunctionName"])] = p
	}
	if len(eics) != 2 {
		t.Fatalf("%d event invoke configs; want the sender's and the recorder's", len(eics))
	}
	eic := eics[`{"Ref":"`+sid+`"}`]
	if eic["MaximumRetryAttempts"] != float64(2) || eic["MaximumEventAgeInSeconds"] != float64(SenderMaxEventAgeSeconds) ||
		jsonOf(t, eic["DestinationConfig"]) != `{"OnFailure":{"Destination":{"Fn::GetAtt":["`+rid+`","Arn"]}}}` {
		t.Errorf("sender's event invoke config %s; want OnFailure the recorder", jsonOf(t, eic))
	}
	// The recorder: retried by Lambda, and no destination of its own (its record holds the event).
	reic := eics[`{"Ref":"`+rid+`"}`]
	if reic["MaximumRetryAttempts"] != float64(RecorderRetryAttempts) || reic["MaximumEventAgeInSeconds"] != float64(RecorderMaxEventAgeSeconds) || reic["DestinationConfig"] != nil {
		t.Errorf("recorder's event invoke config %s; want 2 retries, 6 h, no destination", jsonOf(t, reic))
	}
	env := rec["Environment"].(map[string]any)["Variables"].(map[string]any)
	if env["SENDER_MODE"] != "failureRecorder" || jsonOf(t, env["FAILURE_QUEUE_URL"]) != `{"Ref":"`+qid+`"}` || env["DEFAULT_LOCALE"] != "en" {
		t.Errorf("recorder environment %s", jsonOf(t, env))
	}
	_, sender := senderFunction(t, tpl)
	if jsonOf(t, rec["Code"]) != jsonOf(t, sender["Code"]) {
		t.Errorf("recorder code %s; want the sender's asset %s", jsonOf(t, rec["Code"]), jsonOf(t, sender["Code"]))
	}
	// Least privilege: the recorder may send to the queue and write its logs, nothing else.
	var recSt []string
	for _, st := range statements(tpl, "FailureRecorderRole") {
		recSt = append(recSt, jsonOf(t, st["Action"])+" "+jsonOf(t, st["Resource"]))
	}
	slices.Sort(recSt)
	if want := []string{
		`"sqs:SendMessage" {"Fn::GetAtt":["` + qid + `","Arn"]}`,
		`["logs:CreateLogStream","logs:PutLogEvents"] {"Fn::GetAtt":["FailureRecorderLogs`,
	}; len(recSt) != 2 || recSt[0] != want[0] || !strings.HasPrefix(recSt[1], want[1]) {
		t.Errorf("recorder's statements %q; want only %q and its own logs", recSt, want[0])
	}
	// The sender may invoke the recorder and may not write to the queue itself.
	var invoke bool
	for _, st := range statements(tpl, "SenderRole") {
		a, r := jsonOf(t, st["Action"]), jsonOf(t, st["Resource"])
		if strings.Contains(a, "sqs:") {
			t.Errorf("the sender's role has %s on %s: the raw record could reach the queue", a, r)
		}
		if strings.Contains(a, "lambda:InvokeFunction") && strings.Contains(r, rid) {
			invoke = true
		}
	}
	if !invoke {
		t.Error("the sender's role may not invoke the recorder (Lambda delivers the destination with it)")
	}
	alarms := map[string]map[string]any{}
	for id, r := range resources(tpl, "AWS::CloudWatch::Alarm") {
		if strings.HasPrefix(id, "Sender") {
			alarms[id] = r["Properties"].(map[string]any)
		}
	}
	for id, r := range resources(tpl, "AWS::CloudWatch::Alarm") {
		if strings.HasPrefix(id, "FailureRecorder") {
			alarms[id] = r["Properties"].(map[string]any)
		}
	}
	want := map[string]string{"SenderErrorAlarm": "Errors", "SenderThrottleAlarm": "Throttles", "SenderFailureQueueAlarm": "ApproximateNumberOfMessagesVisible", "FailureRecorderErrorAlarm": "Errors", "SenderDestinationDeliveryAlarm": "DestinationDeliveryFailures", "SenderRejectionAlarm": SenderRejectionsMetric, "SenderUnsupportedAlarm": SenderUnsupportedMetric}
	for prefix, metric := range want {
		var found bool
		for id, a := range alarms {
			if !strings.HasPrefix(id, prefix) {
				continue
			}
			found = true
			if a["MetricName"] != metric || a["Threshold"] != float64(1) || a["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" {
				t.Errorf("%s: %v %v %v", id, a["MetricName"], a["ComparisonOperator"], a["Threshold"])
			}
			if jsonOf(t, a["AlarmActions"]) != `["`+topic+`"]` {
				t.Errorf("%s notifies %s; want the alarm topic", id, jsonOf(t, a["AlarmActions"]))
			}
		}
		if !found {
			t.Errorf("no %s", prefix)
		}
	}
	if len(alarms) != len(want) {
		t.Errorf("%d sender alarms; want %d", len(alarms), len(want))
	}
	// Rejections, unknown sources and skips are answered with nil (no Errors): only the sender's own
	// log line counts them.
	filters := map[string]string{SenderRejectionsMetric: "rejected", SenderUnsupportedMetric: "unsupported", SenderSkippedMetric: "skipped"}
	seen := map[string]int{}
	for _, r := range resources(tpl, "AWS::Logs::MetricFilter") {
		p := r["Properties"].(map[string]any)
		mt := p["MetricTransformations"].([]any)[0].(map[string]any)
		name, _ := mt["MetricName"].(string)
		outcome, ok := filters[name]
		if !ok {
			continue
		}
		seen[name]++
		if want := `{ $.outcome = "` + outcome + `" }`; p["FilterPattern"] != want {
			t.Errorf("%s filter pattern %v; want %s", name, p["FilterPattern"], want)
		}
		if lg := jsonOf(t, p["LogGroupName"]); !strings.Contains(lg, "SenderLogs") {
			t.Errorf("%s filter reads %s; want the sender's log group", name, lg)
		}
		for id, a := range alarms {
			if a["MetricName"] == name && a["Namespace"] != mt["MetricNamespace"] {
				t.Errorf("%s reads namespace %v, its filter writes %v", id, a["Namespace"], mt["MetricNamespace"])
			}
		}
	}
	for name := range filters {
		if seen[name] != 1 {
			t.Errorf("%d %s metric filters; want 1", seen[name], name)
		}
	}
}

// recorderFunction returns the function in SENDER_MODE=failureRecorder.
func recorderFunction(t *testing.T, tpl assertions.Template) (string, map[string]any) {
	t.Helper()
	var id string
	var props map[string]any
	for rid, r := range resources(tpl, "AWS::Lambda::Function") {
		p := r["Properties"].(map[string]any)
		if env, ok := p["Environment"].(map[string]any); ok && env["Variables"].(map[string]any)["SENDER_MODE"] != nil {
			if id != "" {
				t.Fatalf("two recorders: %s, %s", id, rid)
			}
			id, props = rid, p
		}
	}
	if id == "" {
		t.Fatal("no function with SENDER_MODE")
	}
	return id, props
}

// TestDefaultDeliveryHasNoSender: without the key, nothing of the sender mode is deployed and the
// pool keeps its CustomMessage trigger.
func TestDefaultDeliveryHasNoSender(t *testing.T) {
	_, tpl := synth(t, nil)
	for _, typ := range []string{"AWS::KMS::Key", "AWS::SQS::Queue", "AWS::Lambda::EventInvokeConfig"} {
		if n := len(resources(tpl, typ)); n != 0 {
			t.Errorf("%d %s in customMessage mode", n, typ)
		}
	}
	_, pool := only(t, tpl, "AWS::Cognito::UserPool")
	lc := jsonOf(t, pool["LambdaConfig"])
	if !strings.Contains(lc, "CustomMessage") || strings.Contains(lc, "Sender") || strings.Contains(lc, "KMSKeyID") {
		t.Errorf("LambdaConfig %s; want CustomMessage only", lc)
	}
}

func TestDeliveryConfig(t *testing.T) {
	cases := []struct {
		name    string
		context map[string]any
		want    string // "" : accepted
	}{
		{"default", map[string]any{}, ""},
		{"customMessage named", map[string]any{KeyDelivery: "customMessage"}, ""},
		{"customSender", map[string]any{KeyDelivery: "customSender"}, ""},
		{"wrong case", map[string]any{KeyDelivery: "customsender"}, `delivery "customsender": "customMessage" (Cognito delivers what the CustomMessage trigger writes; the default) or "customSender"`},
		{"unknown", map[string]any{KeyDelivery: "ses"}, `delivery "ses": "customMessage"`},
		{"a boolean", map[string]any{KeyDelivery: true}, `delivery "true": "customMessage"`},
		{"sender key without the mode", map[string]any{KeySESConfigurationSet: "tx"}, "sesConfigurationSet is set but delivery is not customSender"},
		{"identities without the mode", map[string]any{KeySenderIdentities: []any{"acme.example"}}, "senderIdentities is set but delivery is not customSender"},
		{"existing pool", map[string]any{KeyDelivery: "customSender", KeyUserPoolID: existingPool}, ""},
		{"existing pool, replace", map[string]any{KeyDelivery: "customSender", KeyUserPoolID: existingPool, KeyReplaceExisting: "true"}, "replaceExistingTrigger does not apply with delivery=customSender"},
		{"bad configuration set", map[string]any{KeyDelivery: "customSender", KeySESConfigurationSet: "a b"}, `sesConfigurationSet "a b": an SES configuration set name`},
		{"sender ID too long", map[string]any{KeyDelivery: "customSender", KeySMSSenderID: "AcmeCorporation"}, `smsSenderId "AcmeCorporation": 1 to 11 letters and digits`},
		{"sender ID of digits", map[string]any{KeyDelivery: "customSender", KeySMSSenderID: "12345"}, `smsSenderId "12345": 1 to 11 letters and digits, at least one letter`},
		{"bad identity", map[string]any{KeyDelivery: "customSender", KeySenderIdentities: "acme.example,Acme <a@acme.example>"}, `senderIdentities: "Acme <a@acme.example>" is not a domain or an email address`},
		{"identities JSON list", map[string]any{KeyDelivery: "customSender", KeySenderIdentities: `["acme.example","a@b.example"]`}, ""},
		{"bad configuration sets", map[string]any{KeyDelivery: "customSender", KeySenderConfigurationSets: []any{"ok", "no/slash"}}, `senderConfigurationSets: "no/slash" is not an SES configuration set name`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(ctx(c.context))
			if c.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if (cfg.Sender != nil) != (cfg.Delivery == DeliveryCustomSender) {
					t.Errorf("Delivery %q but Sender %v", cfg.Delivery, cfg.Sender)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v; want %q", err, c.want)
			}
		})
	}
	cfg, err := LoadConfig(ctx(map[string]any{KeyDelivery: "customSender", KeySenderIdentities: `["acme.example","a@b.example"]`}))
	if err != nil || !slices.Equal(cfg.Sender.Identities, []string{"acme.example", "a@b.example"}) {
		t.Errorf("identities %v, err %v", cfg.Sender, err)
	}
}

func TestSenderFunctionNameFor(t *testing.T) {
	if got := SenderFunctionNameFor("CognitoCustomMessage-prod"); got != "CognitoCustomMessage-prod-Sender" {
		t.Errorf("got %q", got)
	}
	long := strings.Repeat("A", 100)
	a, b := SenderFunctionNameFor(long), SenderFunctionNameFor(long[:99]+"B")
	if len(a) > 64 || len(b) > 64 || a == b || !strings.HasSuffix(a, "-Sender") {
		t.Errorf("%q, %q: want distinct names of at most 64 characters", a, b)
	}
	if a == FunctionNameFor(long) {
		t.Error("the sender and the trigger share a name")
	}
}

func TestMissingSenderAssetFails(t *testing.T) {
	cfg, err := LoadConfig(ctx(map[string]any{KeyDelivery: DeliveryCustomSender, KeyAssetDir: assetDir, KeyProviderAssetDir: providerDir}))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sender.AssetDir = filepath.Join(t.TempDir(), "nothing")
	_, err = NewCustomMessageStack(awscdk.NewApp(nil), "X", &CustomMessageStackProps{Config: cfg})
	if err == nil || !strings.Contains(err.Error(), "make build") || !strings.Contains(err.Error(), KeySenderAssetDir) {
		t.Errorf("err = %v; want a hint to run make build or set %s", err, KeySenderAssetDir)
	}
}

// TestSenderDetachOnDelete: the detach provider of the stack's own pool knows the sender by the
// ARN the pool calls, so a stack delete unwires the custom senders and the key (provider/); in
// customMessage mode it does not get one.
func TestSenderDetachOnDelete(t *testing.T) {
	for _, tc := range []struct {
		context map[string]any
		want    string
	}{
		{senderContext, `{"Fn::Sub":"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:CognitoCustomMessage-dev-Sender"}`},
		{nil, "null"},
	} {
		_, tpl := synth(t, tc.context)
		_, fn := prefixed(t, tpl, "AWS::Lambda::Function", "DetachOnStackDeleteProvider")
		env := fn["Environment"].(map[string]any)["Variables"].(map[string]any)
		if got := jsonOf(t, env["SENDER_ARN"]); got != tc.want {
			t.Errorf("SENDER_ARN = %s; want %s", got, tc.want)
		}
		_, pool := only(t, tpl, "AWS::Cognito::UserPool")
		if tc.context != nil && jsonOf(t, pool["LambdaConfig"].(map[string]any)["CustomEmailSender"].(map[string]any)["LambdaArn"]) != tc.want {
			t.Error("the pool calls another ARN than the detach removes")
		}
	}
}

// TestCustomSenderExistingPool: with userPoolId, the key names exactly that pool, the sender's
// invoke permission is scoped to it, and the sender attachment (not the CustomMessage one) wires
// sender and key in through the provider, which knows the sender for the delete.
func TestCustomSenderExistingPool(t *testing.T) {
	ctx := map[string]any{KeyUserPoolID: existingPool}
	maps.Copy(ctx, senderContext)
	stack, tpl := synth(t, ctx)
	expectNagClean(t, stack)
	if n := len(resources(tpl, AttachResourceType)) + len(resources(tpl, "AWS::Cognito::UserPool")); n != 0 {
		t.Errorf("%d CustomMessage attachments or pools; want none", n)
	}
	keyID, key := only(t, tpl, "AWS::KMS::Key")
	if pol := jsonOf(t, key["KeyPolicy"]); !strings.Contains(pol, ":userpool/"+existingPool+`"`) || strings.Contains(pol, "userpool/*") {
		t.Errorf("key policy %s; want aws:SourceArn exactly the pool", pol)
	}
	sid, _ := senderFunction(t, tpl)
	crID, cr := only(t, tpl, SenderAttachResourceType)
	if cr["UserPoolId"] != existingPool || jsonOf(t, cr["SenderArn"]) != `{"Fn::GetAtt":["`+sid+`","Arn"]}` ||
		jsonOf(t, cr["KmsKeyArn"]) != `{"Fn::GetAtt":["`+keyID+`","Arn"]}` {
		t.Errorf("sender attachment %s", jsonOf(t, cr))
	}
	permID, perm := only(t, tpl, "AWS::Lambda::Permission")
	if jsonOf(t, perm["FunctionName"]) != `{"Fn::GetAtt":["`+sid+`","Arn"]}` || !strings.Contains(jsonOf(t, perm["SourceArn"]), ":userpool/"+existingPool) {
		t.Errorf("invoke permission %s", jsonOf(t, perm))
	}
	if deps := jsonOf(t, resources(tpl, SenderAttachResourceType)[crID]["DependsOn"]); !strings.Contains(deps, permID) || !strings.Contains(deps, keyID) {
		t.Errorf("the attachment depends on %s; want the permission and the key first", deps)
	}
	_, prov := prefixed(t, tpl, "AWS::Lambda::Function", "Pool")
	if got := jsonOf(t, prov["Environment"].(map[string]any)["Variables"].(map[string]any)["SENDER_ARN"]); got != `{"Fn::GetAtt":["`+sid+`","Arn"]}` {
		t.Errorf("provider SENDER_ARN = %s", got)
	}
	// The failure path is the stack's, not the pool's: the same recorder behind the sender.
	rid, _ := recorderFunction(t, tpl)
	var toRecorder bool
	for _, r := range resources(tpl, "AWS::Lambda::EventInvokeConfig") {
		p := r["Properties"].(map[string]any)
		toRecorder = toRecorder || jsonOf(t, p["FunctionName"]) == `{"Ref":"`+sid+`"}` &&
			jsonOf(t, p["DestinationConfig"]) == `{"OnFailure":{"Destination":{"Fn::GetAtt":["`+rid+`","Arn"]}}}`
	}
	if !toRecorder {
		t.Error("existing pool: the sender's failures do not go to the recorder")
	}
}

// TestFailureRecorderBrandClients: with brands on the stack's own pool, the recorder gets the
// sender's BRAND_CLIENTS, so that it names a failure's brand as the sender did.
func TestFailureRecorderBrandClients(t *testing.T) {
	ctx := map[string]any{KeyBrandsDir: brandsDir(t, 2, func(i int) string { return fmt.Sprintf("brand%d", i) }, nil)}
	maps.Copy(ctx, senderContext)
	_, tpl := synth(t, ctx)
	_, sender := senderFunction(t, tpl)
	_, rec := recorderFunction(t, tpl)
	want := jsonOf(t, sender["Environment"].(map[string]any)["Variables"].(map[string]any)["BRAND_CLIENTS"])
	if got := jsonOf(t, rec["Environment"].(map[string]any)["Variables"].(map[string]any)["BRAND_CLIENTS"]); got != want || want == "null" {
		t.Errorf("recorder BRAND_CLIENTS %s; want the sender's %s", got, want)
	}
}

// TestCustomSenderBrandIdentities: a brand's own fromEmail and sesConfigurationSet (brand.json)
// are in the sender's ses:SendEmail scope without being listed again in senderIdentities: else the
// brand's mail is refused with AccessDenied on every attempt and only the failure queue says why.
func TestCustomSenderBrandIdentities(t *testing.T) {
	dir := t.TempDir()
	d := filepath.Join(dir, "initech")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	brand := `{"appName":"Initech","fromEmail":"no-reply@mail.initech.example","sesConfigurationSet":"initech-tx"}`
	if err := os.WriteFile(filepath.Join(d, "brand.json"), []byte(brand), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := maps.Clone(senderContext)
	ctx[KeyBrandsDir] = dir
	_, tpl := synth(t, ctx)
	var res string
	for _, st := range statements(tpl, "SenderRole") {
		if strings.Contains(jsonOf(t, st["Action"]), "ses:SendEmail") {
			res = jsonOf(t, st["Resource"])
		}
	}
	for _, want := range []string{":identity/no-reply@mail.initech.example", ":identity/mail.initech.example", ":configuration-set/initech-tx", ":identity/no-reply@acme.example"} {
		if strings.Count(res, want+`"`) != 1 {
			t.Errorf("SES resources %s; want %s once", res, want)
		}
	}
}
