package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// FunctionTimeout leaves Cognito's fixed 5-second budget room for a cold start and the network.
const FunctionTimeout = 3

// CustomMessageStackProps configures NewCustomMessageStack.
type CustomMessageStackProps struct {
	awscdk.StackProps
	Config Config
}

// CustomMessageStack is the deployed product: the trigger function, its log group and role, and the
// user pool it is wired into, with an app client.
type CustomMessageStack struct {
	awscdk.Stack
	Function awslambda.Function
	UserPool awscognito.UserPool       // nil in existing-pool mode
	Client   awscognito.UserPoolClient // nil in existing-pool mode
	LogGroup awslogs.LogGroup
	// Provider is the custom-resource function: it attaches the trigger to the existing pool, or
	// detaches it from the stack's own pool when the stack is deleted.
	Provider awslambda.Function
	// ProviderAlarm fires when the provider fails or leaves a pool as it was (pool.go).
	ProviderAlarm awscloudwatch.Alarm
	// detach is the stack's own pool's detach resource (pool.go); nil in existing-pool mode.
	detach awscdk.CustomResource
	// Sender, SenderKey and SenderFailures exist with delivery=customSender (sender.go): the custom
	// email and SMS sender, the key Cognito encrypts codes with, and its failed sends.
	Sender         awslambda.Function
	SenderKey      awskms.Key
	SenderFailures awssqs.Queue
	// FailureRecorder is the sender's on-failure destination, which writes SenderFailures.
	FailureRecorder awslambda.Function
	senderLogs      awslogs.LogGroup // the sender's log group, whose lines the rejection metric counts
	// FallbackAlarm fires when the function leaves messages to Cognito's own template: broken
	// templates, events without a usable code placeholder, a panic or a deadline too close.
	FallbackAlarm awscloudwatch.Alarm
}

// MetricNamespace is where the fallback metrics go; the stack name keeps stages apart.
func MetricNamespace(stackName string) string { return "CognitoCustomMessage/" + stackName }

// NewCustomMessageStack builds the stack. It fails, rather than panicking inside jsii, when the
// built bootstrap is missing: run `make build` first.
func NewCustomMessageStack(scope constructs.Construct, id string, props *CustomMessageStackProps) (*CustomMessageStack, error) {
	cfg := props.Config
	bootstrap := filepath.Join(cfg.AssetDir, "bootstrap")
	if fi, err := os.Stat(bootstrap); err != nil || fi.IsDir() {
		return nil, fmt.Errorf("%s not found: run `make build` (or set -c %s=DIR to a folder with the built bootstrap)", bootstrap, KeyAssetDir)
	}
	if cfg.Sender != nil {
		if err := checkSenderAsset(cfg); err != nil {
			return nil, err
		}
	}
	sprops := props.StackProps
	if sprops.Description == nil {
		sprops.Description = jsii.String("Localized Cognito custom messages (cognito-custom-message)")
	}
	stack := awscdk.NewStack(scope, &id, &sprops)
	s := &CustomMessageStack{Stack: stack}
	awscdk.Tags_Of(stack).Add(jsii.String("project"), jsii.String("cognito-custom-message"), nil)
	awscdk.Tags_Of(stack).Add(jsii.String("stage"), jsii.String(cfg.Stage), nil)

	s.Function, s.LogGroup, _ = newGoFunction(stack, "Function", cfg, goFunctionProps{
		assetDir:        cfg.AssetDir,
		description:     "Cognito CustomMessage trigger: localized email and SMS",
		roleDescription: "cognito-custom-message trigger: writes its own logs, nothing else",
		timeout:         FunctionTimeout,
		environment:     functionEnvironment(cfg),
		functionName:    fixedFunctionName(cfg),
	})
	if pairs := brandClientPairs(cfg.Brands.Clients, nil); cfg.UserPoolID != "" && pairs != nil {
		// Existing pool: its clients exist, so brand.json's clientIds and -c brandClients say it all.
		s.Function.AddEnvironment(jsii.String("BRAND_CLIENTS"), pairs, nil)
	}

	s.addFallbackMetrics(stack, cfg)
	if cfg.UserPoolID != "" {
		if cfg.Sender != nil {
			s.addCustomSender(stack, cfg, customSenderKey(stack, cfg))
		}
		if err := s.attachToExistingPool(stack, cfg); err != nil {
			return nil, err
		}
		s.rememberLocale(stack, cfg)
		return s, nil
	}

	email := awscognito.UserPoolEmail_WithCognito(nil)
	if ses := cfg.SES; ses != nil {
		email = awscognito.UserPoolEmail_WithSES(&awscognito.UserPoolSESOptions{
			FromEmail:         jsii.String(ses.FromEmail),
			FromName:          optional(ses.FromName),
			ReplyTo:           optional(ses.ReplyTo),
			SesRegion:         optional(ses.Region),
			SesVerifiedDomain: optional(ses.VerifiedDomain),
		})
	}
	var senderKey awskms.Key
	if cfg.Sender != nil {
		senderKey = customSenderKey(stack, cfg)
	}
	s.UserPool = awscognito.NewUserPool(stack, jsii.String("UserPool"), &awscognito.UserPoolProps{
		CustomSenderKmsKey: senderKey, // LambdaConfig.KMSKeyID; nil: none
		SelfSignUpEnabled:  jsii.Bool(true),
		SignInAliases:      &awscognito.SignInAliases{Email: jsii.Bool(true)},
		AutoVerify:         &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
		// An email change takes effect only once the new address is verified (CustomMessage_UpdateUserAttribute).
		KeepOriginal: &awscognito.KeepOriginalAttrs{Email: jsii.Bool(true)},
		StandardAttributes: &awscognito.StandardAttributes{
			Email:     &awscognito.StandardAttribute{Required: jsii.Bool(true), Mutable: jsii.Bool(true)},
			Locale:    &awscognito.StandardAttribute{Required: jsii.Bool(false), Mutable: jsii.Bool(true)},
			GivenName: &awscognito.StandardAttribute{Required: jsii.Bool(false), Mutable: jsii.Bool(true)},
		},
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength:            jsii.Number(12),
			RequireLowercase:     jsii.Bool(true),
			RequireUppercase:     jsii.Bool(true),
			RequireDigits:        jsii.Bool(true),
			RequireSymbols:       jsii.Bool(true),
			TempPasswordValidity: awscdk.Duration_Days(jsii.Number(7)),
		},
		Mfa:                awscognito.Mfa_OPTIONAL,
		MfaSecondFactor:    &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)},
		AccountRecovery:    awscognito.AccountRecovery_EMAIL_ONLY,
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
		Email:              email,
	})
	cdknag.NagSuppressions_AddResourceSuppressions(s.UserPool, &[]*cdknag.NagPackSuppression{
		{
			Id: jsii.String("AwsSolutions-COG2"),
			Reason: jsii.String("MFA is optional (TOTP) rather than required: whether every user must enrol a second " +
				"factor is the product owner's decision, and this stack only ships the message trigger's defaults."),
		},
		{
			Id: jsii.String("AwsSolutions-COG8"),
			Reason: jsii.String("The Plus feature plan (threat protection) is billed per monthly active user; " +
				"enabling it is a cost decision left to the pool's owner."),
		},
	}, jsii.Bool(true))

	if err := s.detachOnStackDelete(stack, cfg); err != nil {
		return nil, err
	}

	s.Client = s.UserPool.AddClient(jsii.String("AppClient"), clientOptions(cfg))
	// Apps have its ID built in; the pool is retained, so the client stays with it.
	s.Client.ApplyRemovalPolicy(awscdk.RemovalPolicy_RETAIN)
	if cfg.Sender != nil {
		// Cognito delivers nothing itself: no CustomMessage, the sender gets every message. The
		// CustomMessage function stays deployed, unwired, so going back is one context change.
		s.addCustomSender(stack, cfg, senderKey)
	} else {
		s.wireTriggerByName(stack, cfg)
	}
	s.detachBeforePermission()
	s.rememberLocale(stack, cfg)
	if len(cfg.Brands.Brands) > 0 {
		ids := s.addBrandClients(stack, cfg)
		s.Function.AddEnvironment(jsii.String("BRAND_CLIENTS"), brandClientPairs(cfg.Brands.Clients, ids), nil)
		if s.Sender != nil {
			s.Sender.AddEnvironment(jsii.String("BRAND_CLIENTS"), brandClientPairs(cfg.Brands.Clients, ids), nil)
			s.FailureRecorder.AddEnvironment(jsii.String("BRAND_CLIENTS"), brandClientPairs(cfg.Brands.Clients, ids), nil)
		}
	}
	flows := "SRP only"
	if cfg.Client.PasswordAuth {
		flows = "SRP and USER_PASSWORD_AUTH"
	}

	awscdk.NewCfnOutput(stack, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{
		Value: s.UserPool.UserPoolId(), Description: jsii.String("The user pool whose CustomMessage trigger is the function"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("UserPoolClientId"), &awscdk.CfnOutputProps{
		Value: s.Client.UserPoolClientId(), Description: jsii.String("App client (" + flows + ")"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("FunctionName"), &awscdk.CfnOutputProps{
		Value: s.Function.FunctionName(), Description: jsii.String("The CustomMessage trigger function"),
	})
	return s, nil
}

// clientOptions are the app clients' settings: the default client's and every brand's.
func clientOptions(cfg Config) *awscognito.UserPoolClientOptions {
	return &awscognito.UserPoolClientOptions{
		GenerateSecret:             jsii.Bool(false),
		DisableOAuth:               jsii.Bool(true), // API sign-in; add OAuth flows for a hosted UI deliberately
		PreventUserExistenceErrors: jsii.Bool(true),
		// SRP only unless -c passwordAuth=true: the password itself then never leaves the client.
		AuthFlows: &awscognito.AuthFlow{UserSrp: jsii.Bool(true), UserPassword: jsii.Bool(cfg.Client.PasswordAuth)},
		// Written down although they equal Cognito's defaults today, so the session lifetime is
		// visible in review and in the template rather than implied.
		AccessTokenValidity:  awscdk.Duration_Minutes(jsii.Number(cfg.Client.AccessTokenMinutes)),
		IdTokenValidity:      awscdk.Duration_Minutes(jsii.Number(cfg.Client.IDTokenMinutes)),
		RefreshTokenValidity: awscdk.Duration_Days(jsii.Number(cfg.Client.RefreshTokenDays)),
	}
}

// addFallbackMetrics turns the function's log field "fallback" into CloudWatch metrics (a metric
// filter reads the JSON log lines, so the function itself stays free of metrics code) and alarms
// on every fallback to Cognito's template, and on function errors and throttles, which should never
// happen.
func (s *CustomMessageStack) addFallbackMetrics(stack awscdk.Stack, cfg Config) {
	ns := jsii.String(MetricNamespace(cfg.StackName))
	metrics := map[string]awscloudwatch.Metric{}
	filters := []struct{ name, fallback string }{
		{"CognitoTemplateFallbacks", "cognito_template"},
		{"DefaultLocaleFallbacks", "default_locale"},
	}
	if len(cfg.Brands.Brands) > 0 {
		// A brand's messages broke and the unbranded ones were sent: its users saw the wrong product.
		filters = append(filters, struct{ name, fallback string }{"DefaultBrandFallbacks", "default_brand"})
	}
	for _, m := range filters {
		f := awslogs.NewMetricFilter(stack, jsii.String(m.name), &awslogs.MetricFilterProps{
			LogGroup:        s.LogGroup,
			FilterPattern:   awslogs.FilterPattern_StringValue(jsii.String("$.fallback"), jsii.String("="), jsii.String(m.fallback)),
			MetricNamespace: ns,
			MetricName:      jsii.String(m.name),
			MetricValue:     jsii.String("1"),
			DefaultValue:    jsii.Number(0),
			Unit:            awscloudwatch.Unit_COUNT,
		})
		metrics[m.name] = f.Metric(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: awscdk.Duration_Minutes(jsii.Number(5))})
	}
	s.FallbackAlarm = awscloudwatch.NewAlarm(stack, jsii.String("CognitoTemplateFallbackAlarm"), &awscloudwatch.AlarmProps{
		AlarmDescription: jsii.String("The CustomMessage trigger left messages to Cognito's own template (see fallback_reason in its log): " +
			"a broken template, an event without a usable code placeholder, a panic or a deadline too close."),
		Metric:             metrics["CognitoTemplateFallbacks"],
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	errors := awscloudwatch.NewAlarm(stack, jsii.String("FunctionErrorAlarm"), &awscloudwatch.AlarmProps{
		AlarmDescription:   jsii.String("The CustomMessage trigger returned errors or timed out: Cognito fails the user's request."),
		Metric:             s.Function.MetricErrors(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: awscdk.Duration_Minutes(jsii.Number(5))}),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	// Lambda refuses the invocation before our code runs, so neither errors nor fallbacks see it.
	throttles := awscloudwatch.NewAlarm(stack, jsii.String("FunctionThrottleAlarm"), &awscloudwatch.AlarmProps{
		AlarmDescription: jsii.String("The CustomMessage trigger was throttled (account or reserved concurrency exhausted): " +
			"Cognito fails the user's request."),
		Metric:             s.Function.MetricThrottles(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: awscdk.Duration_Minutes(jsii.Number(5))}),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	alarms := []awscloudwatch.Alarm{s.FallbackAlarm, errors, throttles}
	if m, ok := metrics["DefaultBrandFallbacks"]; ok {
		alarms = append(alarms, awscloudwatch.NewAlarm(stack, jsii.String("BrandFallbackAlarm"), &awscloudwatch.AlarmProps{
			AlarmDescription: jsii.String("A brand's messages broke a rule and the unbranded ones were sent instead " +
				"(fallback_reason in the log names the brand, locale and rule)."),
			Metric:             m,
			Threshold:          jsii.Number(1),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		}))
	}
	if cfg.AlarmTopicArn != "" {
		topic := awssns.Topic_FromTopicArn(stack, jsii.String("AlarmTopic"), jsii.String(cfg.AlarmTopicArn))
		for _, a := range alarms {
			a.AddAlarmAction(awscloudwatchactions.NewSnsAction(topic))
		}
	}
	awscdk.NewCfnOutput(stack, jsii.String("FallbackAlarmName"), &awscdk.CfnOutputProps{
		Value: s.FallbackAlarm.AlarmName(), Description: jsii.String("Alarm on fallbacks to Cognito's own template"),
	})
}

type goFunctionProps struct {
	assetDir, description, roleDescription string
	timeout                                float64
	environment                            *map[string]*string
	functionName                           *string // nil: CloudFormation names it
}

// newGoFunction builds a Go Lambda (provided.al2023, arm64, bootstrap from assetDir, 128 MB, JSON
// logs) with its own log group "<id>Logs" and role "<id>Role". A role of our own rather than the
// managed AWSLambdaBasicExecutionRole: that one may create any log group and write to every one;
// this one writes to its own group, and whatever the caller adds.
func newGoFunction(scope constructs.Construct, id string, cfg Config, p goFunctionProps) (awslambda.Function, awslogs.LogGroup, awsiam.Role) {
	logs := awslogs.NewLogGroup(scope, jsii.String(id+"Logs"), &awslogs.LogGroupProps{
		Retention:     retention[cfg.LogRetentionDays],
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	role := awsiam.NewRole(scope, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String(p.roleDescription),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteOwnLogs"),
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: jsii.Strings(*logs.LogGroupArn()),
	}))
	fn := awslambda.NewFunction(scope, jsii.String(id), &awslambda.FunctionProps{
		Description:           jsii.String(p.description),
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(p.assetDir), nil),
		MemorySize:            jsii.Number(128),
		Timeout:               awscdk.Duration_Seconds(jsii.Number(p.timeout)),
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: awslambda.ApplicationLogLevel_INFO,
		SystemLogLevelV2:      awslambda.SystemLogLevel_WARN,
		LogGroup:              logs,
		Role:                  role,
		Environment:           p.environment,
		FunctionName:          p.functionName,
	})
	return fn, logs, role
}

// CheckWithNag runs cdk-nag's AwsSolutions rules on everything in scope at synth.
func CheckWithNag(scope constructs.IConstruct) {
	awscdk.Aspects_Of(scope).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}
