import { Stack, type StackProps } from 'aws-cdk-lib';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

import { CorbadoPasskeys, type CorbadoPasskeysProps } from './corbado-passkeys';

export interface CorbadoPasskeysStackProps extends StackProps {
  readonly passkeys: Omit<CorbadoPasskeysProps, 'existingUserPool'>;
  /**
   * Attach to this existing pool instead of creating one.
   * @default a new pool
   */
  readonly existingUserPoolId?: string;
  /**
   * An existing SNS topic the alarms report to (ignored with `passkeys.monitoring: false`).
   * @default no alarm action
   */
  readonly alarmTopicArn?: string;
}

/** The example stack: one CorbadoPasskeys construct, on a new pool or an existing one. */
export class CorbadoPasskeysStack extends Stack {
  readonly passkeys: CorbadoPasskeys;

  constructor(scope: Construct, id: string, props: CorbadoPasskeysStackProps) {
    super(scope, id, props);
    const monitoring = props.passkeys.monitoring ?? {};
    this.passkeys = new CorbadoPasskeys(this, 'Passkeys', {
      ...props.passkeys,
      ...(props.alarmTopicArn && monitoring !== false
        ? {
            monitoring: {
              ...monitoring,
              alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn),
            },
          }
        : {}),
      ...(props.existingUserPoolId
        ? { existingUserPool: UserPool.fromUserPoolId(this, 'ExistingPool', props.existingUserPoolId) }
        : {}),
    });
  }
}
