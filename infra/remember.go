package main

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
)

// KeyRememberLocale turns on remembering the locale (docs/remember-locale.md): the function writes
// the locale clientMetadata chose to the user's locale attribute, on the flows whose caller owns
// the account.
const KeyRememberLocale = "rememberLocale"

// loadRemember reads KeyRememberLocale: true or false, default false.
func (c *Config) loadRemember(str func(key, def string) string) []string {
	switch v := str(KeyRememberLocale, "false"); strings.ToLower(v) {
	case "true":
		c.RememberLocale = true
	case "false", "":
	default:
		return []string{fmt.Sprintf("%s %q: true or false", KeyRememberLocale, v)}
	}
	return nil
}

// RememberFailuresMetric counts the writes that failed or ran out of time (the log's
// remember_locale); the messages were sent regardless.
const RememberFailuresMetric = "RememberLocaleFailures"

// rememberLocale gives the function what -c rememberLocale=true needs: REMEMBER_LOCALE (set in
// functionEnvironment), cognito-idp:AdminUpdateUserAttributes on exactly its pool, and a metric of
// failed writes. The stack-created pool calls the function by its fixed name (wireTriggerByName),
// so the role may refer to the pool's ARN without a cycle: pool, then role policy, then function.
func (s *CustomMessageStack) rememberLocale(stack awscdk.Stack, cfg Config) {
	if !cfg.RememberLocale {
		return
	}
	var poolArn *string
	if cfg.UserPoolID != "" {
		poolArn = stack.FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("cognito-idp"), Resource: jsii.String("userpool"),
			ResourceName: jsii.String(cfg.UserPoolID), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
		})
	} else {
		poolArn = s.UserPool.UserPoolArn()
	}
	s.Function.Role().AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("RememberLocaleInOwnPool"),
		Actions:   jsii.Strings("cognito-idp:AdminUpdateUserAttributes"),
		Resources: &[]*string{poolArn},
	}))
	awslogs.NewMetricFilter(stack, jsii.String(RememberFailuresMetric), &awslogs.MetricFilterProps{
		LogGroup: s.LogGroup,
		FilterPattern: awslogs.FilterPattern_Any(
			awslogs.FilterPattern_StringValue(jsii.String("$.remember_locale"), jsii.String("="), jsii.String("failed")),
			awslogs.FilterPattern_StringValue(jsii.String("$.remember_locale"), jsii.String("="), jsii.String("timeout")),
		),
		MetricNamespace: jsii.String(MetricNamespace(cfg.StackName)),
		MetricName:      jsii.String(RememberFailuresMetric),
		MetricValue:     jsii.String("1"),
		DefaultValue:    jsii.Number(0),
		Unit:            awscloudwatch.Unit_COUNT,
	})
}
