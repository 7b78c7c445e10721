import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExampleStack } from '../lib/stack';
import { writeDummyZip } from './dummy-zip';

describe('ExampleStack', () => {
  let dir: string;
  let template: Template;
  let stack: ExampleStack;
  let zipPath: string;

  before(() => {
    // GIVEN a release zip (a stand-in: the tests read the template, nothing runs the bootstrap)
    dir = mkdtempSync(join(tmpdir(), 'cdk-ts-example-'));
    zipPath = join(dir, 'cognito-custom-message-v0.0.0-arm64.zip');
    writeDummyZip(zipPath);
    // WHEN the stack is built from it
    const app = new App({ outdir: join(dir, 'cdk.out') });
    stack = new ExampleStack(app, 'Test', { zipPath, appName: 'Acme', defaultLocale: 'de' });
    template = Template.fromStack(stack);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const functionId = () => stack.getLogicalId(stack.trigger.function.node.defaultChild as any);
  const poolId = () => stack.getLogicalId(stack.userPool.node.defaultChild as any);
  const logsId = () => stack.getLogicalId(stack.trigger.logGroup.node.defaultChild as any);

  it('runs the bootstrap on provided.al2023, arm64 only, 128 MB, 3 s', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
      Handler: 'bootstrap',
      MemorySize: 128,
      Timeout: 3,
      Environment: { Variables: { APP_NAME: 'Acme', DEFAULT_LOCALE: 'de' } },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logsId() } },
    });
  });

  it('is the release zip itself as the asset, uploaded as is', () => {
    // A zip file is staged as one file (packaging "file"); a directory would be zipped by CDK.
    const assembly = stack.node.root as App;
    const manifest = JSON.parse(readFileSync(join(assembly.synth().directory, `${stack.artifactId}.assets.json`), 'utf8'));
    const key = template.findResources('AWS::Lambda::Function')[functionId()].Properties.Code.S3Key;
    const [asset] = Object.values<any>(manifest.files).filter(f => Object.values<any>(f.destinations).some(d => d.objectKey === key));
    assert.ok(asset, `no asset uploads ${key}`);
    assert.equal(asset.source.packaging, 'file');
    const staged = readFileSync(join(assembly.outdir, asset.source.path));
    assert.deepEqual(staged, readFileSync(zipPath), 'the staged asset is not the release zip');
  });

  it("is the pool's CustomMessage trigger", () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { CustomMessage: { 'Fn::GetAtt': [functionId(), 'Arn'] } },
    });
  });

  it('may be invoked by Cognito for this pool only', () => {
    template.resourceCountIs('AWS::Lambda::Permission', 1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId(), 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [poolId(), 'Arn'] },
    });
  });

  it('logs to its own group, kept a month, and writes nowhere else', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logsId(), 'Arn'] },
        }],
      },
    });
    const role = Object.values(template.findResources('AWS::IAM::Role'))[0];
    assert.equal(role.Properties.ManagedPolicyArns, undefined, 'a managed policy on the role: AWSLambdaBasicExecutionRole writes every log group');
  });

  it('alarms on errors, throttles and fallbacks to Cognito\'s template', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda', MetricName: metric, Threshold: 1,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId() } }],
      });
    }
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logsId() },
      FilterPattern: '{ $.fallback = "cognito_template" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'CognitoTemplateFallbacks', MetricValue: '1' })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CognitoTemplateFallbacks', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('counts fallbacks in a namespace of its own stack, which its alarm reads', () => {
    // GIVEN a second stack of the recipe deployed next to it (same account and region); its own
    // app, since the first one has been synthesized already
    const other = new ExampleStack(new App({ outdir: join(dir, 'other.out') }), 'Other', { zipPath, appName: 'Acme' });
    const namespaces = [stack, other].map(s => {
      const t = Template.fromStack(s);
      const filters = Object.values<any>(t.findResources('AWS::Logs::MetricFilter'));
      assert.equal(filters.length, 1);
      const ns = filters[0].Properties.MetricTransformations[0].MetricNamespace;
      t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CognitoTemplateFallbacks', Namespace: ns });
      return ns;
    });
    // THEN each counts its own fallbacks: one stack's never raise the other's alarm
    assert.deepEqual(namespaces, ['CognitoCustomMessage/Test', 'CognitoCustomMessage/Other']);
  });
});
