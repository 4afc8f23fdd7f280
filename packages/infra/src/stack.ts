import { Stack, type StackProps } from 'aws-cdk-lib';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';

import { CorbadoPasskeys, type CorbadoPasskeysProps } from './corbado-passkeys';

export interface CorbadoPasskeysStackProps extends StackProps {
  readonly passkeys: Omit<CorbadoPasskeysProps, 'existingUserPool'>;
  /**
   * Attach to this existing pool instead of creating one.
   * @default a new pool
   */
  readonly existingUserPoolId?: string;
}

/** The example stack: one CorbadoPasskeys construct, on a new pool or an existing one. */
export class CorbadoPasskeysStack extends Stack {
  readonly passkeys: CorbadoPasskeys;

  constructor(scope: Construct, id: string, props: CorbadoPasskeysStackProps) {
    super(scope, id, props);
    this.passkeys = new CorbadoPasskeys(this, 'Passkeys', {
      ...props.passkeys,
      ...(props.existingUserPoolId
        ? { existingUserPool: UserPool.fromUserPoolId(this, 'ExistingPool', props.existingUserPoolId) }
        : {}),
    });
  }
}
