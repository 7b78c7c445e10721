import { App } from 'aws-cdk-lib';
import { ExampleStack } from '../lib/stack';

const app = new App();
// The release zip: `cdk synth -c zip=path/to/cognito-custom-message-<version>-arm64.zip`, or
// CUSTOM_MESSAGE_ZIP in the environment.
const zipPath = app.node.tryGetContext('zip') ?? process.env.CUSTOM_MESSAGE_ZIP;
if (!zipPath) {
  throw new Error('no release zip: pass -c zip=…/cognito-custom-message-<version>-arm64.zip or set CUSTOM_MESSAGE_ZIP');
}
const appName = app.node.tryGetContext('appName');
if (!appName) {
  throw new Error('no appName: set it in cdk.json or pass -c appName=…');
}
new ExampleStack(app, 'CognitoCustomMessageExample', {
  zipPath,
  appName,
  defaultLocale: app.node.tryGetContext('defaultLocale'),
});
