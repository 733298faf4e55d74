import { Construct } from 'constructs';
import { Fn, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';

export class JsonStringsStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    new AwsProvider(this, 'aws', { region: 'eu-west-1' });

    const worker = new LambdaFunction(this, 'worker', {
      functionName: 'worker',
      role: 'arn:aws:iam::123456789012:role/worker',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      filename: 'worker.zip',
    });

    new SfnStateMachine(this, 'templated', {
      name: 'templated',
      roleArn: 'arn:aws:iam::123456789012:role/sfn',
      definition: `{
  "StartAt#: "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "${worker.arn}",
      "End": true
    }
  }
}`,
    });

    new SfnStateMachine(this, 'inline', {
      name: 'inline',
      roleArn: 'arn:aws:iam::123456789012:role/sfn',
      definition: '{"StartAt":"Ping","States":{"Ping":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","End":true}}}',
    });

    new SfnStateMachine(this, 'encoded', {
      name: 'encoded',
      roleArn: 'arn:aws:iam::123456789012:role/sfn',
      definition: Fn.jsonencode({
        StartAt: 'Run',
        States: {
          Run: { Type: 'Task', Resource: worker.arn, End: true },
          Wait: { Type: 'Wait', Seconds: 5, End: true },
        },
      }),
    });
  }
}
