package main

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"

	"cognito-custom-message/messages"
)

// Config is the stack's configuration, read from CDK context: cdk.json holds the defaults and
// `-c key=value` overrides them.
type Config struct {
	Stage            string // "dev", "prod", …: part of the stack name and a tag
	StackName        string // default "CognitoCustomMessage-<stage>"
	AppName          string // APP_NAME: the product name in every message
	DefaultLocale    string // DEFAULT_LOCALE: one of the shipped locale folders
	LogRetentionDays int    // the function's log group retention; one CloudWatch allows
	AssetDir         string // the folder holding the built bootstrap (`make build`)
	AlarmTopicArn    string // an existing SNS topic the alarms notify; empty: alarms without actions
	// UserPoolID switches to existing-pool mode: no pool is created; the function is attached to this
	// pool as its CustomMessage trigger by a custom resource (provider/), and detached on delete.
	UserPoolID string
	// AllowManagedPool lets the attachment go ahead on a pool another CloudFormation stack manages
	// (whose next update removes the trigger again). Without it, such a pool makes the deployment fail.
	AllowManagedPool bool
	// PoolSMSRoleArn is the existing pool's SMS role: Cognito checks that whoever updates the pool
	// may iam:PassRole it, so the provider is granted that, for this role and Cognito only.
	PoolSMSRoleArn string
	// ReplaceExistingTrigger lets the attachment replace a CustomMessage trigger that is not ours
	// (it is restored on delete). Without it, such a pool makes the deployment fail.
	ReplaceExistingTrigger bool
	ProviderAssetDir       string // the folder holding the built provider bootstrap (`make build`)
	SES                    *SESConfig
	Client                 ClientConfig // the app client the stack creates (none in existing-pool mode)
	Brands                 BrandsConfig // brands compiled into the function, and how clients map to them
	// Delivery is DeliveryCustomMessage (the default) or DeliveryCustomSender; Sender is set in the
	// latter (sender.go).
	Delivery       string
	Sender         *SenderConfig
	RememberLocale bool // REMEMBER_LOCALE: write the metadata's locale to the user (remember.go)
	// Production: the stage is "prod" or listed in productionStages, so the guard in production.go
	// applies; AllowUnsafeProd waives it, and Waivers says what it waived.
	Production, AllowUnsafeProd bool
}

// SESConfig switches the pool from Cognito's default sender to SES, which the Cognito docs name as
// the setting under which the trigger's email subject and body are used.
type SESConfig struct {
	FromEmail      string // verified in SES
	FromName       string
	ReplyTo        string
	Region         string // SES region, if not the stack's
	VerifiedDomain string // when FromEmail's domain rather than the address is verified
}

// PlaceholderAppName is the product name a deployment gets when nobody sets appName: the same as
// cdk.json, the Makefile's APP_NAME and handler.DefaultAppName, so every path shows one name, and one
// that reads as a placeholder in a test mail rather than passing for a real product.
const PlaceholderAppName = "My App"

// AppNameWarning says what to set when the stack keeps PlaceholderAppName: every message of the
// default brand would name "My App" to real users. Empty when appName was chosen.
func (c Config) AppNameWarning() string {
	if c.AppName != PlaceholderAppName {
		return ""
	}
	return fmt.Sprintf("%s is the placeholder %q: every email and SMS of the default brand names it to your users; "+
		"set your product's name with -c %s=\"Your Product\" (make synth CDK_ARGS='-c %s=...') or in cdk.json",
		KeyAppName, PlaceholderAppName, KeyAppName, KeyAppName)
}

// Context keys, as written in cdk.json and with -c.
const (
	KeyStage             = "stage"
	KeyStackName         = "stackName"
	KeyAppName           = "appName"
	KeyDefaultLocale     = "defaultLocale"
	KeyLogRetentionDays  = "logRetentionDays"
	KeyAssetDir          = "assetDir"
	KeyAlarmTopicArn     = "alarmTopicArn"
	KeyUserPoolID        = "userPoolId"
	KeyReplaceExisting   = "replaceExistingTrigger"
	KeyAllowManagedPool  = "allowManagedPool"
	KeyPoolSMSRoleArn    = "poolSmsRoleArn"
	KeyProviderAssetDir  = "providerAssetDir"
	KeySESFromEmail      = "sesFromEmail"
	KeySESFromName       = "sesFromName"
	KeySESReplyTo        = "sesReplyTo"
	KeySESRegion         = "sesRegion"
	KeySESVerifiedDomain = "sesVerifiedDomain"
)

// retention maps the day counts CloudWatch Logs accepts to CDK's names for them.
var retention = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}

var (
	stageRe     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,31}$`)
	stackNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)
	topicArnRe  = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	poolIDRe    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$`)
	roleArnRe   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	domainRe    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// LoadConfig reads the configuration through get (the app's TryGetContext) and validates it. Every
// error names the context key and what it accepts, so a bad `-c` fails synth with a clear message.
func LoadConfig(get func(key string) any) (Config, error) {
	var errs []string
	str := func(key, def string) string {
		switch v := get(key).(type) {
		case nil:
			return def
		case string:
			return strings.TrimSpace(v)
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			return strconv.FormatBool(v)
		default:
			errs = append(errs, fmt.Sprintf("%s: want a string, got %T", key, v))
			return def
		}
	}
	c := Config{
		Stage:         str(KeyStage, "dev"),
		AppName:       str(KeyAppName, PlaceholderAppName),
		DefaultLocale: str(KeyDefaultLocale, "en"),
		AssetDir:      str(KeyAssetDir, "build/lambda"),
		UserPoolID:    str(KeyUserPoolID, ""),

		ProviderAssetDir: str(KeyProviderAssetDir, "build/provider"),
	}
	if c.UserPoolID != "" && (len(c.UserPoolID) > 55 || !poolIDRe.MatchString(c.UserPoolID)) {
		errs = append(errs, fmt.Sprintf("%s %q: not a user pool ID (want e.g. eu-central-1_AbCdEf123)", KeyUserPoolID, c.UserPoolID))
	}
	for _, f := range []struct {
		key string
		dst *bool
	}{{KeyReplaceExisting, &c.ReplaceExistingTrigger}, {KeyAllowManagedPool, &c.AllowManagedPool}} {
		key, dst := f.key, f.dst
		switch r := str(key, "false"); strings.ToLower(r) {
		case "true":
			*dst = true
		case "false", "":
		default:
			errs = append(errs, fmt.Sprintf("%s %q: true or false", key, r))
		}
		if *dst && c.UserPoolID == "" {
			errs = append(errs, fmt.Sprintf("%s is set but %s is not: it applies to an existing pool", key, KeyUserPoolID))
		}
	}
	if c.PoolSMSRoleArn = str(KeyPoolSMSRoleArn, ""); c.PoolSMSRoleArn != "" {
		if !roleArnRe.MatchString(c.PoolSMSRoleArn) {
			errs = append(errs, fmt.Sprintf("%s %q: not an IAM role ARN", KeyPoolSMSRoleArn, c.PoolSMSRoleArn))
		}
		if c.UserPoolID == "" {
			errs = append(errs, fmt.Sprintf("%s is set but %s is not: it applies to an existing pool", KeyPoolSMSRoleArn, KeyUserPoolID))
		}
	}
	if !stageRe.MatchString(c.Stage) {
		errs = append(errs, fmt.Sprintf("%s %q: letters, digits and '-', at most 32", KeyStage, c.Stage))
	}
	c.StackName = str(KeyStackName, "CognitoCustomMessage-"+c.Stage)
	if !stackNameRe.MatchString(c.StackName) {
		errs = append(errs, fmt.Sprintf("%s %q: a CloudFormation stack name (a letter, then letters, digits and '-')", KeyStackName, c.StackName))
	}
	if clean := messages.Sanitize(c.AppName, messages.MaxAppNameUnits); clean == "" || clean != c.AppName {
		errs = append(errs, fmt.Sprintf("%s %q: 1 to 32 characters, no control, format or private-use characters, no braces", KeyAppName, c.AppName))
	}
	if !slices.Contains(messages.Compiled().Locales(), c.DefaultLocale) {
		errs = append(errs, fmt.Sprintf("%s %q: unknown; shipped locales are %s", KeyDefaultLocale, c.DefaultLocale, strings.Join(messages.Compiled().Locales(), ", ")))
	}
	days, err := strconv.Atoi(str(KeyLogRetentionDays, "30"))
	if _, ok := retention[days]; err != nil || !ok {
		errs = append(errs, fmt.Sprintf("%s %q: one of CloudWatch's retention periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)", KeyLogRetentionDays, str(KeyLogRetentionDays, "30")))
	}
	c.LogRetentionDays = days
	if c.AlarmTopicArn = str(KeyAlarmTopicArn, ""); c.AlarmTopicArn != "" && !topicArnRe.MatchString(c.AlarmTopicArn) {
		errs = append(errs, fmt.Sprintf("%s %q: not an SNS topic ARN", KeyAlarmTopicArn, c.AlarmTopicArn))
	}

	if from := str(KeySESFromEmail, ""); from != "" {
		ses := &SESConfig{
			FromEmail:      from,
			FromName:       str(KeySESFromName, ""),
			ReplyTo:        str(KeySESReplyTo, ""),
			Region:         str(KeySESRegion, ""),
			VerifiedDomain: str(KeySESVerifiedDomain, ""),
		}
		for key, addr := range map[string]string{KeySESFromEmail: ses.FromEmail, KeySESReplyTo: ses.ReplyTo} {
			if addr != "" && !bareAddress(addr) {
				errs = append(errs, fmt.Sprintf("%s %q: not an email address (want name@example.com)", key, addr))
			}
		}
		if ses.Region != "" && !regionRe.MatchString(ses.Region) {
			errs = append(errs, fmt.Sprintf("%s %q: not an AWS region (want e.g. eu-west-1)", KeySESRegion, ses.Region))
		}
		if ses.VerifiedDomain != "" && !domainRe.MatchString(ses.VerifiedDomain) {
			errs = append(errs, fmt.Sprintf("%s %q: not a domain name", KeySESVerifiedDomain, ses.VerifiedDomain))
		}
		if strings.ContainsAny(ses.FromName, "\"<>\r\n") {
			errs = append(errs, fmt.Sprintf("%s %q: must not contain quotes, angle brackets or line breaks", KeySESFromName, ses.FromName))
		}
		c.SES = ses
	} else {
		for _, key := range []string{KeySESFromName, KeySESReplyTo, KeySESRegion, KeySESVerifiedDomain} {
			if str(key, "") != "" {
				errs = append(errs, fmt.Sprintf("%s is set but %s is not: SES sending needs a from-address", key, KeySESFromEmail))
			}
		}
	}
	errs = append(errs, c.loadClient(str)...)
	errs = append(errs, c.loadBrands(get, str)...)
	errs = append(errs, c.loadRemember(str)...)
	errs = append(errs, c.loadSender(get, str)...)
	errs = append(errs, c.checkEnvironmentSize()...)
	errs = append(errs, c.guardProduction(get, str)...)
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("invalid configuration:\n  %s", strings.Join(errs, "\n  "))
	}
	return c, nil
}

// bareAddress reports whether s is exactly one address, without a display name.
func bareAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}
