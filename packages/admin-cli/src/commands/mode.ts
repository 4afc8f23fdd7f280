// `mode get|set`: the kill switch, the passkey-mode SSM String parameter.
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import {
  DEFAULT_PASSKEY_MODE,
  PASSKEY_MODES,
  parsePasskeyMode,
  type PasskeyMode,
} from '@cognito-passkeys/deployment';

import { awsErrorName, timeout, type AwsClients } from '../aws';
import { OK, type Output } from '../output';

export interface ModeReading {
  parameter: string;
  /** The stored value, or `null` when the parameter does not exist. */
  value: string | null;
  /** What the triggers and the app make of it (a missing parameter is the default, junk is `off`). */
  effective: PasskeyMode;
  valid: boolean;
}

export async function readMode(aws: AwsClients, parameter: string): Promise<ModeReading> {
  try {
    const answer = await aws.ssm.send(new GetParameterCommand({ Name: parameter }), timeout());
    const value = answer.Parameter?.Value ?? '';
    const mode = parsePasskeyMode(value);
    return { parameter, value, effective: mode ?? 'off', valid: mode !== undefined };
  } catch (error) {
    if (awsErrorName(error) === 'ParameterNotFound')
      return { parameter, value: null, effective: DEFAULT_PASSKEY_MODE, valid: false };
    throw error;
  }
}

export function describeMode(reading: ModeReading): string {
  if (reading.value === null)
    return `not set (${reading.parameter} does not exist; reads as ${reading.effective})`;
  if (!reading.valid)
    return `${JSON.stringify(reading.value)} is not a passkey mode (reads as off; one of ${PASSKEY_MODES.join(', ')})`;
  return reading.value.trim();
}

export async function modeGet(aws: AwsClients, out: Output, parameter: string): Promise<void> {
  const reading = await readMode(aws, parameter);
  out.line(`Passkey mode: ${describeMode(reading)}`);
  out.result({ ...reading });
}

export async function modeSet(
  aws: AwsClients,
  out: Output,
  parameter: string,
  mode: PasskeyMode,
): Promise<void> {
  const answer = await aws.ssm.send(
    new PutParameterCommand({ Name: parameter, Type: 'String', Value: mode, Overwrite: true }),
    timeout(),
  );
  out.line(`${OK} passkey mode set to ${mode} (${parameter}, version ${answer.Version ?? '?'})`);
  out.line('  The triggers and the app read it again within their PASSKEY_MODE_CACHE_SECONDS.');
  out.result({ parameter, mode, version: answer.Version ?? null });
}
