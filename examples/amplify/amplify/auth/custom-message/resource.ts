import { defineFunction } from '@aws-amplify/backend';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// The release zip, dist/cognito-custom-message-<version>-arm64.zip (bootstrap at its root): next to
// this file, or wherever CUSTOM_MESSAGE_ZIP says (set it in the Amplify console for a branch build).
const zipPath = process.env.CUSTOM_MESSAGE_ZIP
  ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'cognito-custom-message-arm64.zip');

/**
 * customMessage is the prebuilt Go function as an Amplify "custom function": defineFunction's
 * options (memoryMB, timeoutSeconds, environment, logging) do not apply to one, so the limits the
 * repository's Go stack sets are on the CDK Function itself. resourceGroupName 'auth' puts it in the
 * auth stack, as Amplify asks of auth triggers (a function stack of its own and the auth stack would
 * each reference the other).
 */
export const customMessage = defineFunction((scope) => {
  const logGroup = new logs.LogGroup(scope, 'CustomMessageLogs', {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Not AWSLambdaBasicExecutionRole: that one may create any log group and write to every one.
  const role = new iam.Role(scope, 'CustomMessageRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }));
  const fn = new lambda.Function(scope, 'CustomMessage', {
    runtime: lambda.Runtime.PROVIDED_AL2023,
    // arm64 only: the bootstrap is a linux/arm64 binary; x86_64 fails every message (exec format error).
    architecture: lambda.Architecture.ARM_64,
    handler: 'bootstrap',
    code: lambda.Code.fromAsset(zipPath),
    memorySize: 128,
    // Inside Cognito's fixed 5 s.
    timeout: Duration.seconds(3),
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
    systemLogLevelV2: lambda.SystemLogLevel.WARN,
    logGroup,
    role,
    environment: { APP_NAME: 'Example', DEFAULT_LOCALE: 'en' },
  });

  const period = Duration.minutes(5);
  const fallbacks = new logs.MetricFilter(scope, 'CognitoTemplateFallbacks', {
    logGroup,
    filterPattern: logs.FilterPattern.stringValue('$.fallback', '=', 'cognito_template'),
    // One namespace per stack: a sandbox and each branch deploy to one account, and a shared
    // namespace would let one backend's fallbacks raise every other's alarm. The auth stack is a
    // nested stack, so this is its name at deploy time (AWS::StackName), unique in the account.
    metricNamespace: `CognitoCustomMessage/${Stack.of(scope).stackName}`,
    metricName: 'CognitoTemplateFallbacks',
    metricValue: '1',
    defaultValue: 0,
  }).metric({ statistic: 'Sum', period });
  const alarms: Array<[string, string, cloudwatch.IMetric]> = [
    ['FallbackAlarm', "Messages left to Cognito's own template (see fallback_reason in the log).", fallbacks],
    ['ErrorAlarm', "The CustomMessage trigger failed or timed out: Cognito fails the user's request.", fn.metricErrors({ statistic: 'Sum', period })],
    ['ThrottleAlarm', "The CustomMessage trigger was throttled: Cognito fails the user's request.", fn.metricThrottles({ statistic: 'Sum', period })],
  ];
  for (const [id, alarmDescription, metric] of alarms) {
    new cloudwatch.Alarm(scope, `CustomMessage${id}`, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
  return fn;
}, { resourceGroupName: 'auth' });
