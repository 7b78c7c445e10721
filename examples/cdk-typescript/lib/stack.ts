import { RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { CustomMessageTrigger } from './custom-message';

/** ExampleStackProps: where the release zip is, and the function's two settings. */
export interface ExampleStackProps extends StackProps {
  readonly zipPath: string;
  readonly appName: string;
  readonly defaultLocale?: string;
}

/** ExampleStack is a new user pool whose messages the prebuilt function writes; in your app, pass your own pool. */
export class ExampleStack extends Stack {
  readonly userPool: cognito.UserPool;
  readonly trigger: CustomMessageTrigger;

  constructor(scope: Construct, id: string, props: ExampleStackProps) {
    super(scope, id, props);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      selfSignUpEnabled: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trigger = new CustomMessageTrigger(this, 'CustomMessage', {
      userPool: this.userPool,
      zipPath: props.zipPath,
      appName: props.appName,
      defaultLocale: props.defaultLocale,
    });
  }
}
