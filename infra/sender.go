package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdadestinations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Context keys of the custom-sender delivery mode (docs/sender-stack.md).
const (
	KeyDelivery                = "delivery"
	KeySenderAssetDir          = "senderAssetDir"
	KeySESConfigurationSet     = "sesConfigurationSet"
	KeySMSSenderID             = "smsSenderId"
	KeySenderIdentities        = "senderIdentities"
	KeySenderConfigurationSets = "senderConfigurationSets"
)

// The delivery modes: Cognito delivers what the CustomMessage trigger wrote, or the sender function
// (./sender) delivers every email and SMS itself through SES and SNS.
const (
	DeliveryCustomMessage = "customMessage"
	DeliveryCustomSender  = "customSender"
)

// SenderTimeout is the sender function's timeout in seconds. One invocation makes a KMS Decrypt and
// an SES or SNS call, each retried with backoff on throttling or a 5xx: 10 s leaves room for a cold
// start plus a few retries without letting a hung endpoint hold a concurrent execution for long.
// Cognito invokes custom senders asynchronously — the Developer Guide's "Customizing user pool
// workflows with Lambda triggers" says it invokes every other trigger synchronously (docs/sender.md)
// — so the user's request does not wait for this function, Cognito's 5 s limit does not apply, and
// a failure reaches Lambda's retries and the EventInvokeConfig below.
const SenderTimeout = 10

// RecorderRetryAttempts and RecorderMaxEventAgeSeconds are the failure recorder's own asynchronous
// invocation settings: Lambda's maximum retries and event age, since a failure recorded late is
// still worth recording; and no destination, since the record it is given holds the whole event.
const (
	RecorderRetryAttempts      = 2
	RecorderMaxEventAgeSeconds = 6 * 3600
	RecorderTimeout            = 10                // one SQS SendMessage with the SDK's retries
	RecorderModeValue          = "failureRecorder" // SENDER_MODE: delivery.ModeFailureRecorder
	// maxQueueURLLength bounds FAILURE_QUEUE_URL for the environment's size:
	// "https://sqs.<region>.amazonaws.com/<12-digit account>/<name of at most 80>" stays under it.
	maxQueueURLLength = 160
)

// SenderRetryAttempts and SenderMaxEventAgeSeconds bound Lambda's own retries of a failed send: two
// more attempts (Lambda's maximum), and no send of a code older than its usefulness — Cognito's
// codes expire (sign-up codes after 24 h, but sign-in MFA codes after 3 minutes), and a late mail is
// worse than a recorded failure the operator sees in the failure queue.
const (
	SenderRetryAttempts      = 2
	SenderMaxEventAgeSeconds = 3600
)

// SenderConfig is the custom-sender mode's configuration.
type SenderConfig struct {
	AssetDir         string // the folder holding the built sender bootstrap (`make build`: build/sender)
	ConfigurationSet string // SES_CONFIGURATION_SET: the default SES configuration set, may be empty
	SMSSenderID      string // SMS_SENDER_ID: the default SMS sender ID, may be empty
	// Identities are more SES identities (domains or addresses) the sender may send from besides
	// sesFromEmail and the brands' own fromEmail (brand.json), which senderIdentityArns adds itself.
	Identities []string
	// ConfigurationSets are the brands' SES configuration sets besides ConfigurationSet.
	ConfigurationSets []string
}

var (
	configSetRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	// SNS sender IDs: 1–11 alphanumeric characters, at least one letter (SNS "SMS sender ID").
	senderIDRe = regexp.MustCompile(`^[A-Za-z0-9]{1,11}$`)
)

// loadSender reads the delivery mode and, in customSender mode, its keys. The keys of that mode
// are refused in the other, so that nobody believes a sender address is in use where it is not.
func (c *Config) loadSender(get func(string) any, str func(key, def string) string) []string {
	var errs []string
	switch c.Delivery = str(KeyDelivery, DeliveryCustomMessage); c.Delivery {
	case DeliveryCustomMessage, DeliveryCustomSender:
	default:
		errs = append(errs, fmt.Sprintf("%s %q: %q (Cognito delivers what the CustomMessage trigger writes; the default) or %q (the sender function delivers every email and SMS itself through SES and SNS)",
			KeyDelivery, c.Delivery, DeliveryCustomMessage, DeliveryCustomSender))
	}
	s := SenderConfig{
		AssetDir:         str(KeySenderAssetDir, "build/sender"),
		ConfigurationSet: str(KeySESConfigurationSet, ""),
		SMSSenderID:      str(KeySMSSenderID, ""),
	}
	var lerrs []string
	s.Identities, lerrs = parseList(get(KeySenderIdentities), KeySenderIdentities, func(v string) bool {
		return domainRe.MatchString(v) || bareAddress(v)
	}, "a domain or an email address")
	errs = append(errs, lerrs...)
	s.ConfigurationSets, lerrs = parseList(get(KeySenderConfigurationSets), KeySenderConfigurationSets, configSetRe.MatchString, "an SES configuration set name")
	errs = append(errs, lerrs...)
	if s.ConfigurationSet != "" && !configSetRe.MatchString(s.ConfigurationSet) {
		errs = append(errs, fmt.Sprintf("%s %q: an SES configuration set name (letters, digits, '_' and '-', at most 64)", KeySESConfigurationSet, s.ConfigurationSet))
	}
	if s.SMSSenderID != "" && (!senderIDRe.MatchString(s.SMSSenderID) || !strings.ContainsAny(strings.ToLower(s.SMSSenderID), "abcdefghijklmnopqrstuvwxyz")) {
		errs = append(errs, fmt.Sprintf("%s %q: 1 to 11 letters and digits, at least one letter", KeySMSSenderID, s.SMSSenderID))
	}
	if c.Delivery != DeliveryCustomSender {
		for _, key := range []string{KeySESConfigurationSet, KeySMSSenderID, KeySenderIdentities, KeySenderConfigurationSets} {
			if v := get(key); v != nil && v != "" {
				errs = append(errs, fmt.Sprintf("%s is set but %s is not %s: only the sender function reads it", key, KeyDelivery, DeliveryCustomSender))
			}
		}
		return errs
	}
	if c.UserPoolID != "" && c.ReplaceExistingTrigger {
		// The sender attachment never replaces another custom sender (poolattach.PlanAttachSenders).
		errs = append(errs, fmt.Sprintf("%s does not apply with %s=%s: a pool with another custom sender is refused (remove it first)", KeyReplaceExisting, KeyDelivery, DeliveryCustomSender))
	}
	c.Sender = &s
	return errs
}

// senderVariables are the sender's environment variables besides the trigger's and KMS_KEY_ARN;
// empty ones are left out.
func senderVariables(cfg Config) map[string]string {
	out := map[string]string{}
	replyTo := ""
	if cfg.SES != nil {
		replyTo = cfg.SES.ReplyTo
	}
	for k, v := range map[string]string{
		"EMAIL_FROM":            emailFrom(cfg.SES),
		"EMAIL_REPLY_TO":        replyTo,
		"SES_CONFIGURATION_SET": cfg.Sender.ConfigurationSet,
		"SMS_SENDER_ID":         cfg.Sender.SMSSenderID,
	} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

// maxKeyArnLength bounds a KMS key ARN for the environment's size: partition (at most
// "aws-iso-b"), region, a 12-digit account and "key/" with a 36-character key ID stay under it.
const maxKeyArnLength = 128

// senderArnByName is the sender's ARN built from its fixed name: what the pool's LambdaConfig and
// the detach provider's SENDER_ARN name, without a reference to the function (see addCustomSender).
func senderArnByName(cfg Config) *string {
	return awscdk.Fn_Sub(jsii.String("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"+SenderFunctionNameFor(cfg.StackName)), nil)
}

// parseList reads a list key the way parseStages does: a JSON list from cdk.json, or from -c a
// comma-separated list or a JSON list as text.
func parseList(v any, key string, valid func(string) bool, what string) ([]string, []string) {
	list, errs := parseStringList(v, key, "names", `["a","b"] or a,b`)
	var out []string
	for _, s := range list {
		if !valid(s) {
			errs = append(errs, fmt.Sprintf("%s: %q is not %s", key, s, what))
			continue
		}
		out = append(out, s)
	}
	return out, errs
}

// SenderFunctionNameFor is the sender's fixed name (the pool calls it by name, as it does the
// trigger: wireTriggerByName), cut like FunctionNameFor.
func SenderFunctionNameFor(stackName string) string {
	const suffix, max = "-Sender", 64
	if len(stackName)+len(suffix) <= max {
		return stackName + suffix
	}
	sum := sha256.Sum256([]byte(stackName))
	hash := hex.EncodeToString(sum[:4])
	return stackName[:max-len(suffix)-len(hash)-1] + "-" + hash + suffix
}

func checkSenderAsset(cfg Config) error {
	bootstrap := filepath.Join(cfg.Sender.AssetDir, "bootstrap")
	if fi, err := os.Stat(bootstrap); err != nil || fi.IsDir() {
		return fmt.Errorf("%s not found: run `make build` (or set -c %s=DIR to a folder with the built sender)", bootstrap, KeySenderAssetDir)
	}
	return nil
}

// emailFrom is EMAIL_FROM: "Name <address>" when sesFromName is set (LoadConfig refuses quotes and
// angle brackets in it), else the address.
func emailFrom(ses *SESConfig) string {
	if ses == nil {
		return ""
	}
	if ses.FromName != "" {
		return ses.FromName + " <" + ses.FromEmail + ">"
	}
	return ses.FromEmail
}

// senderIdentityArns are the SES identities the sender may send from: each address and its domain
// (SES authorizes the identity that verified the address: the address itself, or its domain).
func senderIdentityArns(stack awscdk.Stack, cfg Config) []*string {
	seen := map[string]bool{}
	var names []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			names = append(names, id)
		}
	}
	if cfg.SES != nil {
		add(cfg.SES.FromEmail)
		add(cfg.SES.FromEmail[strings.LastIndex(cfg.SES.FromEmail, "@")+1:])
		add(cfg.SES.VerifiedDomain)
	}
	ids, sets := cfg.Sender.Identities, append([]string{cfg.Sender.ConfigurationSet}, cfg.Sender.ConfigurationSets...)
	// Each brand sends as itself (brand.json's fromEmail, sesConfigurationSet): without these its
	// mail would be refused (AccessDenied) on every attempt.
	for _, b := range cfg.Brands.Brands {
		ids = append(ids, b.Config.FromEmail)
		sets = append(sets, b.Config.SESConfigurationSet)
	}
	for _, id := range ids {
		add(id)
		if i := strings.LastIndex(id, "@"); i >= 0 {
			add(id[i+1:])
		}
	}
	var arns []*string
	for _, n := range names {
		arns = append(arns, sesArn(stack, cfg, "identity", n))
	}
	for _, set := range sets {
		if set != "" && !seen["configuration-set/"+set] {
			seen["configuration-set/"+set] = true
			arns = append(arns, sesArn(stack, cfg, "configuration-set", set))
		}
	}
	return arns
}

func sesArn(stack awscdk.Stack, cfg Config, resource, name string) *string {
	var region *string
	if cfg.SES != nil && cfg.SES.Region != "" {
		region = jsii.String(cfg.SES.Region)
	}
	return stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("ses"), Region: region, Resource: jsii.String(resource),
		ResourceName: jsii.String(name), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
	})
}

// customSenderKey is the customer-managed key Cognito encrypts codes and temporary passwords with.
//
// Its policy lets Cognito encrypt only on behalf of this account (aws:SourceAccount) and the
// existing pool (aws:SourceArn), or, for the stack's own pool, this account's pools in this region:
// that pool cannot be named, since its KMSKeyID refers to the key, so a key policy referring to the
// pool's ARN would be a dependency cycle CloudFormation refuses, and a pool ID is not known before
// the pool exists. The sender's role may only decrypt
// with it (its own IAM policy; the root statement lets IAM policies grant use of the key).
func customSenderKey(stack awscdk.Stack, cfg Config) awskms.Key {
	pools := "*"
	if cfg.UserPoolID != "" {
		// An existing pool's ID is known at synth, and the pool does not refer to the key in the
		// template (the attachment sets KMSKeyID): the policy names exactly that pool.
		pools = cfg.UserPoolID
	}
	key := awskms.NewKey(stack, jsii.String("CustomSenderKey"), &awskms.KeyProps{
		Description:       jsii.String("Cognito encrypts the codes and temporary passwords it hands the custom sender with this key (" + cfg.StackName + ")"),
		EnableKeyRotation: jsii.Bool(true),
		// Retained: a message still in the failure queue, or a retry, can only be decrypted with it.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		Alias:         jsii.String("alias/" + cfg.StackName + "-custom-sender"),
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("CognitoEncryptsForThisAccountsPools"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cognito-idp.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Encrypt"),
		Resources:  jsii.Strings("*"), // in a key policy, "*" is this key
		Conditions: &map[string]any{
			"StringEquals": map[string]any{"aws:SourceAccount": stack.Account()},
			"ArnLike": map[string]any{"aws:SourceArn": stack.FormatArn(&awscdk.ArnComponents{
				Service: jsii.String("cognito-idp"), Resource: jsii.String("userpool"),
				ResourceName: jsii.String(pools), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
			})},
		},
	}), jsii.Bool(false))
	return key
}

// addCustomSender builds the sender function, its failure queue and alarms, and wires it into the
// stack's own pool as CustomEmailSender and CustomSMSSender (instead of CustomMessage); an existing
// pool gets them from its attachment (attachToExistingPool).
//
// The pool calls it by its fixed name, like the trigger (wireTriggerByName, same cycle: the
// sender's BRAND_CLIENTS names the brand clients' IDs), so the L2 addTrigger, which refers to the
// function, is not used; KMSKeyID is the L2 prop customSenderKmsKey, set where the pool is made.
func (s *CustomMessageStack) addCustomSender(stack awscdk.Stack, cfg Config, key awskms.Key) {
	env := functionEnvironment(cfg)
	(*env)["KMS_KEY_ARN"] = key.KeyArn()
	if pairs := brandClientPairs(cfg.Brands.Clients, nil); cfg.UserPoolID != "" && pairs != nil {
		(*env)["BRAND_CLIENTS"] = pairs // as the trigger's (NewCustomMessageStack): the clients exist
	}
	for k, v := range senderVariables(cfg) {
		(*env)[k] = jsii.String(v)
	}
	fn, logs, role := newGoFunction(stack, "Sender", cfg, goFunctionProps{
		assetDir:        cfg.Sender.AssetDir,
		description:     "Cognito custom email and SMS sender: localized, branded, delivered through SES and SNS",
		roleDescription: "cognito-custom-message sender: decrypts with its key, sends from its SES identities and SMS, writes its own logs",
		timeout:         SenderTimeout,
		environment:     env,
		functionName:    jsii.String(SenderFunctionNameFor(cfg.StackName)),
	})
	s.Sender, s.SenderKey, s.senderLogs = fn, key, logs
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("DecryptWithTheSenderKey"),
		Actions:   jsii.Strings("kms:Decrypt"),
		Resources: jsii.Strings(*key.KeyArn()),
	}))
	if arns := senderIdentityArns(stack, cfg); len(arns) > 0 {
		role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("SendFromTheConfiguredIdentities"),
			Actions:   jsii.Strings("ses:SendEmail", "ses:SendRawEmail"),
			Resources: &arns,
		}))
	}
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("PublishSMS"),
		Actions: jsii.Strings("sns:Publish"),
		// SNS has no resource for a phone number: publishing an SMS directly is authorized on "*"
		// (SNS "Publish": PhoneNumber), and no condition key names the number or the sender ID.
		Resources: jsii.Strings("*"),
	}))
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("sns:Publish to a phone number (the SMS the sender delivers) has no resource ARN in SNS: " +
			"it is authorized on Resource \"*\" only, and SNS offers no condition key for the number."),
		AppliesTo: &[]any{"Resource::*"},
	}}, jsii.Bool(true))

	// Failures after Lambda's retries go to the failure recorder (the same asset, SENDER_MODE=
	// failureRecorder, a role that may only write to the queue), which queues what an operator needs
	// and nothing of the event: Lambda's invocation record holds the whole event (addresses, names,
	// the encrypted code), so it never goes to the queue as it is.
	queue := awssqs.NewQueue(stack, jsii.String("SenderFailures"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		EnforceSSL:      jsii.Bool(true),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(queue, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SQS3"),
		Reason: jsii.String("This queue is itself where the sender's failed invocations end up (through the failure recorder); " +
			"nothing consumes it automatically, an operator reads it after its alarm."),
	}}, jsii.Bool(true))
	s.SenderFailures = queue
	s.FailureRecorder = s.addFailureRecorder(stack, cfg, queue)
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(SenderRetryAttempts),
		MaxEventAge:   awscdk.Duration_Seconds(jsii.Number(SenderMaxEventAgeSeconds)),
		// The whole invocation record (ResponseOnly false): the recorder needs the event's IDs,
		// trigger source and attributes to decide brand and locale as the sender did.
		OnFailure: awslambdadestinations.NewLambdaDestination(s.FailureRecorder, &awslambdadestinations.LambdaDestinationOptions{ResponseOnly: jsii.Bool(false)}),
	})
	// Lambda delivers the destination with the sender's role; CDK's grant names the recorder's ARN
	// and its qualified ARNs (ARN:*).
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-IAM5"),
		Reason: jsii.String("lambda:InvokeFunction on the failure recorder and its versions (ARN:*), which CDK's Lambda destination grants: " +
			"the wildcard is the function's own qualifiers, not other functions."),
		AppliesTo: &[]any{map[string]any{"regex": `/^Resource::<FailureRecorder[0-9A-F]+\.Arn>:\*$/g`}},
	}}, jsii.Bool(true))

	if s.UserPool != nil {
		// The stack's own pool; an existing one gets them from its attachment (pool.go).
		pool := s.UserPool.Node().DefaultChild().(awscognito.CfnUserPool)
		arn := senderArnByName(cfg)
		for _, p := range []string{"CustomEmailSender", "CustomSMSSender"} {
			pool.AddPropertyOverride(jsii.String("LambdaConfig."+p), map[string]any{"LambdaArn": arn, "LambdaVersion": "V1_0"})
		}
		fn.AddPermission(jsii.String("CognitoInvoke"), &awslambda.Permission{
			Principal:     awsiam.NewServicePrincipal(jsii.String("cognito-idp.amazonaws.com"), nil),
			Action:        jsii.String("lambda:InvokeFunction"),
			SourceArn:     s.UserPool.UserPoolArn(),
			SourceAccount: stack.Account(),
		})
	}
	s.senderAlarms(stack, cfg)
	awscdk.NewCfnOutput(stack, jsii.String("SenderFunctionName"), &awscdk.CfnOutputProps{
		Value: fn.FunctionName(), Description: jsii.String("The custom email and SMS sender function"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("SenderFailureQueueUrl"), &awscdk.CfnOutputProps{
		Value: queue.QueueUrl(), Description: jsii.String("Sends that failed after Lambda's retries (no address, name or code in them)"),
	})
}

// Metrics counted from the sender's log lines ("outcome"): permanent refusals by SES or SNS
// ("rejected"), trigger sources it does not send ("unsupported"), events it deliberately sends
// nothing for ("skipped": an account-takeover mail to an unproven address).
const (
	SenderRejectionsMetric  = "SenderRejections"
	SenderUnsupportedMetric = "SenderUnsupported"
	SenderSkippedMetric     = "SenderSkipped"
)

// senderAlarms fire on the sender's errors and throttles (each may retry, but an operator should
// know), on its permanent refusals, on the recorder's failures and on any message in the failure
// queue: a message nobody received.
func (s *CustomMessageStack) senderAlarms(stack awscdk.Stack, cfg Config) {
	period := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period}
	alarm := func(id, description string, m awscloudwatch.IMetric) awscloudwatch.Alarm {
		return awscloudwatch.NewAlarm(stack, jsii.String(id), &awscloudwatch.AlarmProps{
			AlarmDescription:   jsii.String(description),
			Metric:             m,
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
	}
	// logLineMetric counts the sender's log lines with one "outcome" (a metric filter: the function
	// itself carries no metrics code).
	logLineMetric := func(name, outcome string) awscloudwatch.IMetric {
		return awslogs.NewMetricFilter(stack, jsii.String(name), &awslogs.MetricFilterProps{
			LogGroup:        s.senderLogs,
			FilterPattern:   awslogs.FilterPattern_StringValue(jsii.String("$.outcome"), jsii.String("="), jsii.String(outcome)),
			MetricNamespace: jsii.String(MetricNamespace(cfg.StackName)),
			MetricName:      jsii.String(name),
			MetricValue:     jsii.String("1"),
			DefaultValue:    jsii.Number(0),
			Unit:            awscloudwatch.Unit_COUNT,
		}).Metric(sum)
	}
	// Skipped on purpose (an account-takeover mail to an unverified or missing address): counted, not
	// alarmed — some users never verify their address. A count that equals every ATO event says the
	// pool's ATO events carry no verified address (docs/sender.md).
	logLineMetric(SenderSkippedMetric, "skipped")
	alarms := []awscloudwatch.Alarm{
		alarm("SenderErrorAlarm", "The custom sender failed an invocation (Lambda retries it; after the retries it goes to the failure queue).", s.Sender.MetricErrors(sum)),
		alarm("SenderThrottleAlarm", "The custom sender was throttled (account or reserved concurrency exhausted): its messages are delayed.", s.Sender.MetricThrottles(sum)),
		alarm("FailureRecorderErrorAlarm", "The sender's failure recorder failed (Lambda retries it twice; after that the failure is only in the recorder's log, as sanitized JSON).",
			s.FailureRecorder.MetricErrors(sum)),
		// Lambda counts a record it could not hand the recorder (permissions, size) here, and nowhere
		// else: without this alarm such a failure would be silent.
		alarm("SenderDestinationDeliveryAlarm", "Lambda could not hand a failed send's record to the failure recorder (DestinationDeliveryFailures): that failure is recorded nowhere; see the sender's log.",
			s.Sender.Metric(jsii.String("DestinationDeliveryFailures"), sum)),
		// A permanent refusal (MessageRejected: an unverified From, a sandboxed recipient; an SNS
		// InvalidParameter) is answered with nil, so Lambda's Errors never count it: the sender's
		// log line ("outcome":"rejected") is what counts it. Synchronous refusals are mostly
		// configuration (a brand's fromEmail SES does not know), so one is worth an alarm.
		alarm("SenderRejectionAlarm", "SES or SNS refused a message permanently (error_code in the sender's log: e.g. MessageRejected for a From identity SES does not know): it was not retried and the user got nothing.",
			logLineMetric(SenderRejectionsMetric, "rejected")),
		// A trigger source this function does not know (one Cognito added later) is answered with
		// nil and only logged ("outcome":"unsupported"): those users get nothing, so one alarms.
		alarm("SenderUnsupportedAlarm", "The custom sender got a trigger source it does not send (error_code unknown_source in its log): nothing was sent to those users.",
			logLineMetric(SenderUnsupportedMetric, "unsupported")),
		alarm("SenderFailureQueueAlarm", "A message could not be delivered after Lambda's retries: it is in the sender's failure queue (trigger source, brand, locale, error; no address or code).",
			s.SenderFailures.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{Statistic: jsii.String("Maximum"), Period: period})),
	}
	if cfg.AlarmTopicArn != "" {
		topic := awssns.Topic_FromTopicArn(stack, jsii.String("SenderAlarmTopic"), jsii.String(cfg.AlarmTopicArn))
		for _, a := range alarms {
			a.AddAlarmAction(awscloudwatchactions.NewSnsAction(topic))
		}
	}
}

// addFailureRecorder is the sender's on-failure destination: the sender's asset in
// SENDER_MODE=failureRecorder, with the variables that decide brand and locale (so that it reaches
// the sender's decision for the same event) and a role that may only write its logs and
// sqs:SendMessage to the queue — no kms:Decrypt, no SES, no SNS.
func (s *CustomMessageStack) addFailureRecorder(stack awscdk.Stack, cfg Config, queue awssqs.Queue) awslambda.Function {
	env := functionEnvironment(cfg)
	(*env)["SENDER_MODE"] = jsii.String(RecorderModeValue)
	(*env)["FAILURE_QUEUE_URL"] = queue.QueueUrl()
	if pairs := brandClientPairs(cfg.Brands.Clients, nil); cfg.UserPoolID != "" && pairs != nil {
		(*env)["BRAND_CLIENTS"] = pairs // as the sender's
	}
	fn, _, role := newGoFunction(stack, "FailureRecorder", cfg, goFunctionProps{
		assetDir:        cfg.Sender.AssetDir,
		description:     "Cognito custom sender's failure recorder: queues what an operator needs of a failed send, no address, name or code",
		roleDescription: "cognito-custom-message failure recorder: sends to the failure queue, writes its own logs, nothing else",
		timeout:         RecorderTimeout,
		environment:     env,
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("SendToTheFailureQueue"),
		Actions:   jsii.Strings("sqs:SendMessage"),
		Resources: jsii.Strings(*queue.QueueArn()),
	}))
	fn.ConfigureAsyncInvoke(&awslambda.EventInvokeConfigOptions{
		RetryAttempts: jsii.Number(RecorderRetryAttempts),
		MaxEventAge:   awscdk.Duration_Seconds(jsii.Number(RecorderMaxEventAgeSeconds)),
	})
	return fn
}
