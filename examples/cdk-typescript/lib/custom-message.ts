import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** CustomMessageTriggerProps configures the prebuilt function; only zipPath is required. */
export interface CustomMessageTriggerProps {
  /** The pool whose emails and SMS the function writes. */
  readonly userPool: cognito.UserPool;
  /** A release zip, dist/cognito-custom-message-<version>-arm64.zip (bootstrap at its root). */
  readonly zipPath: string;
  /** APP_NAME: the product name the messages use. */
  readonly appName: string;
  /** DEFAULT_LOCALE: the locale used when the user's is unknown or not translated. */
  readonly defaultLocale?: string;
  /** How long CloudWatch keeps the function's log; the Go stack's default is a month. */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The namespace of the fallback metric read from the function's JSON log; by default
   * CognitoCustomMessage/<stack name>, as the Go stack's, so that two stacks in one account and
   * region never add up each other's fallbacks. Another value must be unique the same way.
   */
  readonly metricNamespace?: string;
}

/**
 * CustomMessageTrigger is the prebuilt Go function wired as a pool's CustomMessage trigger, with the
 * limits the repository's Go stack sets (infra/stack.go): arm64 only, since the bootstrap is a
 * linux/arm64 binary and x86_64 fails every message with an exec format error; 128 MB; 3 s, inside
 * Cognito's fixed 5 s; a log group of its own with a retention; a role that writes only there; and
 * alarms on errors, throttles and fallbacks to Cognito's own template.
 */
export class CustomMessageTrigger extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly alarms: cloudwatch.Alarm[];
  /** The namespace of the fallback metric (props.metricNamespace, or one per stack). */
  readonly metricNamespace: string;

  constructor(scope: Construct, id: string, props: CustomMessageTriggerProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Not AWSLambdaBasicExecutionRole: that one may create any log group and write to every one.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Cognito CustomMessage trigger: writes its own log group only',
    });
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));

    this.function = new lambda.Function(this, 'Function', {
      description: 'Cognito CustomMessage trigger: localized emails and SMS (cognito-custom-message)',
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: lambda.Architecture.ARM_64,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(props.zipPath),
      memorySize: 128,
      timeout: Duration.seconds(3),
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      logGroup: this.logGroup,
      role,
      environment: {
        APP_NAME: props.appName,
        DEFAULT_LOCALE: props.defaultLocale ?? 'en',
      },
    });
    // addTrigger also grants cognito-idp.amazonaws.com the invoke permission, scoped to this pool.
    props.userPool.addTrigger(cognito.UserPoolOperation.CUSTOM_MESSAGE, this.function);

    this.metricNamespace = props.metricNamespace ?? `CognitoCustomMessage/${Stack.of(this).stackName}`;
    const period = Duration.minutes(5);
    const fallbacks = new logs.MetricFilter(this, 'CognitoTemplateFallbacks', {
      logGroup: this.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.fallback', '=', 'cognito_template'),
      metricNamespace: this.metricNamespace,
      metricName: 'CognitoTemplateFallbacks',
      metricValue: '1',
      defaultValue: 0,
      unit: cloudwatch.Unit.COUNT,
    }).metric({ statistic: 'Sum', period });
    const alarm = (name: string, description: string, metric: cloudwatch.IMetric) =>
      new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    this.alarms = [
      alarm('FallbackAlarm', "The CustomMessage trigger left messages to Cognito's own template (see fallback_reason in its log).", fallbacks),
      alarm('ErrorAlarm', "The CustomMessage trigger returned errors or timed out: Cognito fails the user's request.",
        this.function.metricErrors({ statistic: 'Sum', period })),
      // Lambda refuses a throttled invocation before the function runs, so neither errors nor fallbacks see it.
      alarm('ThrottleAlarm', "The CustomMessage trigger was throttled: Cognito fails the user's request.",
        this.function.metricThrottles({ statistic: 'Sum', period })),
    ];
  }
}
