package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// The custom resources' types, served by provider/ (which names them too).
const (
	AttachResourceType = "Custom::CognitoCustomMessageTrigger"
	DetachResourceType = "Custom::CognitoCustomMessageDetachOnDelete"
)

// ProviderTimeout is the provider function's timeout in seconds; ProviderServiceTimeout how long
// CloudFormation waits for its answer (at most 300 s is our rule; CloudFormation's default is an
// hour, which a crashed provider would make everyone wait).
const (
	ProviderTimeout        = 60
	ProviderServiceTimeout = 180
)

// PoolScopeID is the construct that holds everything one existing pool needs. Its ID contains the
// pool's, so every logical ID under it does: changing userPoolId makes CloudFormation create the
// new pool's attachment, provider, role and invoke permission, and delete the old pool's in the
// cleanup phase — the attachment first, since it depends on the others, so the old pool is
// detached while its provider may still touch it. (With one set of resources, the role and the
// permission moved to the new pool before the old pool's delete ran, which was then denied.)
func PoolScopeID(poolID string) string { return "Pool-" + poolID }

// attachToExistingPool wires the function into a pool the stack does not own. CDK cannot add a
// trigger to an imported pool, and UpdateUserPool resets whatever it is not given, so a custom
// resource backed by provider/ does it: DescribeUserPool, then UpdateUserPool with everything carried
// over and only CustomMessage changed; on delete, the previous trigger is put back.
func (s *CustomMessageStack) attachToExistingPool(stack awscdk.Stack, cfg Config) error {
	if err := checkProviderAsset(cfg); err != nil {
		return err
	}
	poolRegion := cfg.UserPoolID[:strings.Index(cfg.UserPoolID, "_")]
	if r := stack.Region(); !*awscdk.Token_IsUnresolved(r) && *r != poolRegion {
		return fmt.Errorf("%s %s is in %s, but the stack deploys to %s: deploy to %s (AWS_REGION / CDK_DEFAULT_REGION)",
			KeyUserPoolID, cfg.UserPoolID, poolRegion, *r, poolRegion)
	}
	scope := constructs.NewConstruct(stack, jsii.String(PoolScopeID(cfg.UserPoolID)))
	poolArn := stack.FormatArn(&awscdk.ArnComponents{
		Service: jsii.String("cognito-idp"), Resource: jsii.String("userpool"),
		ResourceName: jsii.String(cfg.UserPoolID), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
	})
	invoked := s.Function
	if s.Sender != nil {
		invoked = s.Sender // customSender mode: the pool calls the sender, not the CustomMessage trigger
	}
	invoke := awslambda.NewCfnPermission(scope, jsii.String("CognitoInvoke"), &awslambda.CfnPermissionProps{
		Action:        jsii.String("lambda:InvokeFunction"),
		FunctionName:  invoked.FunctionArn(),
		Principal:     jsii.String("cognito-idp.amazonaws.com"),
		SourceArn:     poolArn,
		SourceAccount: stack.Account(),
	})
	env := providerEnv(cfg.UserPoolID, s.Function, stack)
	if s.Sender != nil {
		(*env)["SENDER_ARN"] = s.Sender.FunctionArn()
	}

	var role awsiam.Role
	var logs awslogs.LogGroup
	s.Provider, logs, role = newGoFunction(scope, "Provider", cfg, goFunctionProps{
		assetDir:        cfg.ProviderAssetDir,
		description:     "Attaches the " + attachedWhat(cfg) + " to user pool " + cfg.UserPoolID + " without resetting it",
		roleDescription: "cognito-custom-message attachment: reads and updates one user pool, reads the stack's status, writes its own logs",
		timeout:         ProviderTimeout,
		environment:     env,
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("AttachToOnePool"),
		Actions:   jsii.Strings("cognito-idp:DescribeUserPool", "cognito-idp:UpdateUserPool"),
		Resources: jsii.Strings(*poolArn),
	}))
	// A rollback of an update that replaced the trigger function may reach the attachment before
	// the provider's own environment; the provider then checks that the stack is rolling back
	// (provider/handler.go, rollingBack).
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadThisStacksStatus"),
		Actions:   jsii.Strings("cloudformation:DescribeStacks"),
		Resources: jsii.Strings(*stack.StackId()),
	}))
	if cfg.PoolSMSRoleArn != "" {
		// Cognito checks at every UpdateUserPool that the caller may pass the pool's SMS role
		// (poolattach rule sms-role-pass-role).
		role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("PassThePoolsSmsRoleToCognito"),
			Actions:    jsii.Strings("iam:PassRole"),
			Resources:  jsii.Strings(cfg.PoolSMSRoleArn),
			Conditions: &map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "cognito-idp.amazonaws.com"}},
		}))
	}
	if s.Sender != nil {
		return s.attachSenders(stack, scope, cfg, invoke, role, logs)
	}
	cr := awscdk.NewCustomResource(scope, jsii.String("Attachment"), &awscdk.CustomResourceProps{
		ServiceToken:   s.Provider.FunctionArn(),
		ServiceTimeout: awscdk.Duration_Seconds(jsii.Number(ProviderServiceTimeout)),
		ResourceType:   jsii.String(AttachResourceType),
		Properties: &map[string]any{
			"UserPoolId":       cfg.UserPoolID,
			"FunctionArn":      s.Function.FunctionArn(),
			"ReplaceExisting":  fmt.Sprint(cfg.ReplaceExistingTrigger),
			"AllowManagedPool": fmt.Sprint(cfg.AllowManagedPool),
		},
	})
	// Cognito may invoke the function the moment it is attached; and on delete, the attachment
	// goes before the permission, the provider and its role.
	cr.Node().AddDependency(invoke)
	cr.Node().AddDependency(role)
	s.ProviderAlarm = providerAlarm(scope, s.Provider, logs, cfg,
		"The attachment of the CustomMessage trigger to user pool "+cfg.UserPoolID+" failed or left the pool as it was (see the provider's log): "+
			"a refused update, a pool re-wired since, or settings this release cannot carry.")

	awscdk.NewCfnOutput(stack, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{
		Value: jsii.String(cfg.UserPoolID), Description: jsii.String("The existing user pool whose CustomMessage trigger is the function"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("PreviousCustomMessage"), &awscdk.CfnOutputProps{
		Value:       cr.GetAttString(jsii.String("PreviousCustomMessage")),
		Description: jsii.String("The CustomMessage trigger the pool had before; restored when the stack is deleted"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("FunctionName"), &awscdk.CfnOutputProps{
		Value: s.Function.FunctionName(), Description: jsii.String("The CustomMessage trigger function"),
	})
	return nil
}

// detachOnStackDelete adds the resource that removes the trigger from the stack's own pool when,
// and only when, the stack is deleted (provider/handler.go says how it tells): the pool is
// retained, and would otherwise keep calling the deleted function, failing every sign-up.
//
// The same resource refuses, at deploy time, an update in which CloudFormation replaced the pool
// (its UserPoolId changes) unless confirmPoolReplacement names the old pool; confirmed, its
// provider may detach that old pool in the update's cleanup phase, and nothing else.
func (s *CustomMessageStack) detachOnStackDelete(stack awscdk.Stack, cfg Config) error {
	if err := checkProviderAsset(cfg); err != nil {
		return err
	}
	retired, err := confirmedPoolReplacement(stack)
	if err != nil {
		return err
	}
	scope := constructs.NewConstruct(stack, jsii.String("DetachOnStackDelete"))
	env := providerEnv(*s.UserPool.UserPoolId(), s.Function, stack)
	props := map[string]any{
		"UserPoolId":  s.UserPool.UserPoolId(),
		"FunctionArn": s.Function.FunctionArn(),
	}
	if cfg.Sender != nil {
		// The pool calls the sender by name (sender.go); the detach removes it and its key too.
		(*env)["SENDER_ARN"] = senderArnByName(cfg)
	}
	if retired != "" {
		(*env)["RETIRED_POOL_ID"] = jsii.String(retired)
		props["ConfirmPoolReplacement"] = retired
	}
	var role awsiam.Role
	var logs awslogs.LogGroup
	s.Provider, logs, role = newGoFunction(scope, "Provider", cfg, goFunctionProps{
		assetDir:        cfg.ProviderAssetDir,
		description:     "Detaches the CustomMessage trigger from the retained user pool when the stack is deleted",
		roleDescription: "cognito-custom-message detach on stack delete: reads the stack's status, reads and updates its pool, writes its own logs",
		timeout:         ProviderTimeout,
		environment:     env,
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("DetachFromThePool"),
		Actions:   jsii.Strings("cognito-idp:DescribeUserPool", "cognito-idp:UpdateUserPool"),
		Resources: jsii.Strings(*s.UserPool.UserPoolArn()),
	}))
	if retired != "" {
		role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:     jsii.String("DetachFromTheReplacedPool"),
			Actions: jsii.Strings("cognito-idp:DescribeUserPool", "cognito-idp:UpdateUserPool"),
			Resources: jsii.Strings(*stack.FormatArn(&awscdk.ArnComponents{
				Service: jsii.String("cognito-idp"), Resource: jsii.String("userpool"),
				ResourceName: jsii.String(retired), ArnFormat: awscdk.ArnFormat_SLASH_RESOURCE_NAME,
			})),
		}))
	}
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadThisStacksStatus"),
		Actions:   jsii.Strings("cloudformation:DescribeStacks"),
		Resources: jsii.Strings(*stack.StackId()),
	}))
	s.detach = awscdk.NewCustomResource(scope, jsii.String("Resource"), &awscdk.CustomResourceProps{
		ServiceToken:   s.Provider.FunctionArn(),
		ServiceTimeout: awscdk.Duration_Seconds(jsii.Number(ProviderServiceTimeout)),
		ResourceType:   jsii.String(DetachResourceType),
		Properties:     &props,
	})
	s.detach.Node().AddDependency(role)
	s.ProviderAlarm = providerAlarm(scope, s.Provider, logs, cfg,
		"Detaching the CustomMessage trigger from the retained user pool failed or could not tell whether the stack was being deleted (see the provider's log): "+
			"the kept pool may still call the deleted function, failing every sign-up; remove its CustomMessage trigger.")
	return nil
}

// detachBeforePermission makes the detach resource depend on the pool's invoke permission: when
// CloudFormation replaces the pool, both are replaced, and the cleanup deletes dependents first —
// the old pool is detached before it loses its permission, never calling a function it may no
// longer invoke.
func (s *CustomMessageStack) detachBeforePermission() {
	for _, fn := range []awslambda.Function{s.Function, s.Sender} {
		if fn == nil || s.detach == nil {
			continue
		}
		if perm := fn.Node().TryFindChild(jsii.String("CognitoInvoke")); perm != nil {
			s.detach.Node().AddDependency(perm)
		}
	}
}

func checkProviderAsset(cfg Config) error {
	bootstrap := filepath.Join(cfg.ProviderAssetDir, "bootstrap")
	if fi, err := os.Stat(bootstrap); err != nil || fi.IsDir() {
		return fmt.Errorf("%s not found: run `make build` (or set -c %s=DIR to a folder with the built provider)", bootstrap, KeyProviderAssetDir)
	}
	return nil
}

// providerEnv is what one copy of the provider acts on, and nothing else (provider.Env).
func providerEnv(poolID string, fn awslambda.Function, stack awscdk.Stack) *map[string]*string {
	return &map[string]*string{
		"USER_POOL_ID": jsii.String(poolID),
		"FUNCTION_ARN": fn.FunctionArn(),
		"STACK_ID":     stack.StackId(),
	}
}

// providerAlarm fires on any error the provider logs. A FAILED answer to CloudFormation is not a
// Lambda error (cfn.LambdaWrap reports it and returns), and the cases where the provider leaves a
// pool as it is and succeeds are only in its log: so a metric filter counts its ERROR lines, added
// to the function's own Errors (crashes and timeouts).
func providerAlarm(scope constructs.Construct, fn awslambda.Function, logs awslogs.LogGroup, cfg Config, description string) awscloudwatch.Alarm {
	filter := awslogs.NewMetricFilter(scope, jsii.String("ProviderErrorLines"), &awslogs.MetricFilterProps{
		LogGroup:        logs,
		FilterPattern:   awslogs.FilterPattern_StringValue(jsii.String("$.level"), jsii.String("="), jsii.String("ERROR")),
		MetricNamespace: jsii.String(MetricNamespace(cfg.StackName)),
		MetricName:      jsii.String("ProviderErrors"),
		MetricValue:     jsii.String("1"),
		DefaultValue:    jsii.Number(0),
		Unit:            awscloudwatch.Unit_COUNT,
	})
	period := awscdk.Duration_Minutes(jsii.Number(5))
	alarm := awscloudwatch.NewAlarm(scope, jsii.String("ProviderErrorAlarm"), &awscloudwatch.AlarmProps{
		AlarmDescription: jsii.String(description),
		Metric: awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String("FILL(logged, 0) + FILL(invocation, 0)"),
			UsingMetrics: &map[string]awscloudwatch.IMetric{
				"logged":     filter.Metric(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period}),
				"invocation": fn.MetricErrors(&awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: period}),
			},
			Period: period,
		}),
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	if cfg.AlarmTopicArn != "" {
		alarm.AddAlarmAction(awscloudwatchactions.NewSnsAction(awssns.Topic_FromTopicArn(scope, jsii.String("AlarmTopic"), jsii.String(cfg.AlarmTopicArn))))
	}
	return alarm
}

// SenderAttachResourceType is the custom resource that wires the custom senders into an existing
// pool (provider/handler.go, attachSenders).
const SenderAttachResourceType = "Custom::CognitoCustomSenderAttachment"

// attachSenders is attachToExistingPool's customSender mode: the attachment sets the pool's
// CustomEmailSender and CustomSMSSender to the sender and KMSKeyID to its key, and the CustomMessage
// trigger is not attached (the provider leaves the pool's own one as it is). On delete it takes
// exactly those out.
func (s *CustomMessageStack) attachSenders(stack awscdk.Stack, scope constructs.Construct, cfg Config, invoke awslambda.CfnPermission, role awsiam.Role, logs awslogs.LogGroup) error {
	cr := awscdk.NewCustomResource(scope, jsii.String("SenderAttachment"), &awscdk.CustomResourceProps{
		ServiceToken:   s.Provider.FunctionArn(),
		ServiceTimeout: awscdk.Duration_Seconds(jsii.Number(ProviderServiceTimeout)),
		ResourceType:   jsii.String(SenderAttachResourceType),
		Properties: &map[string]any{
			"UserPoolId":       cfg.UserPoolID,
			"SenderArn":        s.Sender.FunctionArn(),
			"KmsKeyArn":        s.SenderKey.KeyArn(),
			"AllowManagedPool": fmt.Sprint(cfg.AllowManagedPool),
		},
	})
	// Cognito may invoke the sender, and encrypt with the key, the moment they are attached; on
	// delete, the attachment goes first.
	cr.Node().AddDependency(invoke)
	cr.Node().AddDependency(role)
	cr.Node().AddDependency(s.SenderKey)
	s.ProviderAlarm = providerAlarm(scope, s.Provider, logs, cfg,
		"Attaching the custom sender to user pool "+cfg.UserPoolID+" failed or left the pool as it was (see the provider's log): "+
			"another custom sender or key on the pool, a refused update, or settings this release cannot carry.")
	awscdk.NewCfnOutput(stack, jsii.String("UserPoolId"), &awscdk.CfnOutputProps{
		Value: jsii.String(cfg.UserPoolID), Description: jsii.String("The existing user pool whose custom email and SMS sender is the sender function"),
	})
	return nil
}

func attachedWhat(cfg Config) string {
	if cfg.Sender != nil {
		return "custom email and SMS sender"
	}
	return "CustomMessage trigger"
}
