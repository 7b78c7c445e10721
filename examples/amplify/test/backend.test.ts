import { Match, Template } from 'aws-cdk-lib/assertions';
import { execFileSync } from 'node:child_process';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
// The same stand-in zip as the CDK TypeScript example's tests: nothing here runs the bootstrap.
import { writeDummyZip } from '../../cdk-typescript/test/dummy-zip';

describe('amplify/backend.ts', () => {
  let dir: string;
  let auth: Template;

  before(() => {
    // GIVEN a release zip
    dir = mkdtempSync(join(tmpdir(), 'amplify-example-'));
    const zip = join(dir, 'cognito-custom-message-v0.0.0-arm64.zip');
    writeDummyZip(zip);
    // WHEN the backend is synthesized as `ampx sandbox` does (tsx runs backend.ts as a CDK app, with
    // the backend's identity as context), but into a folder and without deploying
    const out = join(dir, 'cdk.out');
    execFileSync(process.execPath, ['--import', 'tsx', 'amplify/backend.ts'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        CUSTOM_MESSAGE_ZIP: zip,
        CDK_OUTDIR: out,
        CDK_CONTEXT_JSON: JSON.stringify({
          'amplify-backend-namespace': 'example',
          'amplify-backend-name': 'sandbox',
          'amplify-backend-type': 'sandbox',
        }),
      },
    });
    const nested = readdirSync(out).filter(f => /auth[0-9A-F]{8}\.nested\.template\.json$/.test(f));
    assert.equal(nested.length, 1, `one auth stack in ${readdirSync(out).join(', ')}`);
    auth = Template.fromJSON(JSON.parse(readFileSync(join(out, nested[0]), 'utf8')));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const functionId = () => Object.keys(auth.findResources('AWS::Lambda::Function', { Properties: { Handler: 'bootstrap' } }))[0];

  it('puts the function in the auth stack: provided.al2023, arm64 only, 128 MB, 3 s', () => {
    auth.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'provided.al2023',
      Architectures: ['arm64'],
      Handler: 'bootstrap',
      MemorySize: 128,
      Timeout: 3,
      Environment: { Variables: Match.objectLike({ APP_NAME: 'Example', DEFAULT_LOCALE: 'en' }) },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
  });

  it("is the pool's CustomMessage trigger, invoked by Cognito for this pool only", () => {
    const pools = auth.findResources('AWS::Cognito::UserPool');
    assert.equal(Object.keys(pools).length, 1);
    const [poolId, pool] = Object.entries(pools)[0];
    assert.deepEqual(pool.Properties.LambdaConfig, { CustomMessage: { 'Fn::GetAtt': [functionId(), 'Arn'] } });
    auth.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId(), 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
    });
  });

  it('logs to its own group, kept a month', () => {
    auth.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it("alarms on errors, throttles and fallbacks to Cognito's template", () => {
    for (const metric of ['Errors', 'Throttles', 'CognitoTemplateFallbacks']) {
      auth.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric, Threshold: 1 });
    }
    auth.hasResourceProperties('AWS::Logs::MetricFilter', { FilterPattern: '{ $.fallback = "cognito_template" }' });
  });

  it('counts fallbacks in a namespace of its own stack, which its alarm reads', () => {
    // The auth stack's own name at deploy time: unique in the account, so a sandbox's fallbacks
    // never raise a branch's alarm.
    const perStack = { 'Fn::Join': ['', ['CognitoCustomMessage/', { Ref: 'AWS::StackName' }]] };
    const filters = Object.values<any>(auth.findResources('AWS::Logs::MetricFilter'));
    assert.equal(filters.length, 1);
    assert.deepEqual(filters[0].Properties.MetricTransformations[0].MetricNamespace, perStack);
    auth.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CognitoTemplateFallbacks', Namespace: perStack });
  });
});
