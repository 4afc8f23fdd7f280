// post-append: after a passkey was added (Corbado's Cognito guide, §5.4). A user who has no MFA method
// gets the configured one turned on, as preferred, so that the password, which still works next to the
// passkey, now needs a second factor. Users who already chose a method are left alone.
import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  type AdminSetUserMFAPreferenceCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';

import { COGNITO_USERNAME, COGNITO_USERNAME_MAX, fromCognito } from './cognito';
import { parsePostAppendConfig, type MfaMethod, type PostAppendConfig } from './config';
import {
  postAppendEventSchema,
  type PostAppendEvent,
  type PostAppendOutcome,
  type PostAppendResult,
} from './contract';
import { cognitoForConfig, type CognitoClient } from './credentials';
import { codeOf, errorNameOf, withinDeadline, type ActionErrorCode } from './errors';
import { consoleLog, type ActionLog } from './log';

/**
 * Where each method goes in AdminSetUserMFAPreference. SOFTWARE_TOKEN is not offered: Cognito refuses to
 * enable it for a user who has not verified a TOTP device, which an action cannot do for them.
 */
const MFA_SETTINGS: Record<MfaMethod, keyof AdminSetUserMFAPreferenceCommandInput> = {
  EMAIL_OTP: 'EmailMfaSettings',
  SMS: 'SMSMfaSettings',
};

/**
 * Turns `method` on, as preferred, for `username` when the user has no MFA yet. Idempotent: a user with
 * any MFA setting (a method in UserMFASettingList, a preferred one, or the legacy SMS MFAOptions) is not
 * touched, so a second call changes nothing. Throws an ActionError with the registry's code.
 */
export async function ensureMfaAfterAppend(
  cognito: CognitoClient,
  userPoolId: string,
  username: string,
  method: MfaMethod,
): Promise<PostAppendOutcome> {
  const user = await fromCognito(
    cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username })),
  );
  const hasMfa =
    (user.UserMFASettingList?.length ?? 0) > 0 ||
    Boolean(user.PreferredMfaSetting) ||
    (user.MFAOptions?.length ?? 0) > 0;
  if (hasMfa) return 'mfa_already_set';

  await fromCognito(
    cognito.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: userPoolId,
        // The username Cognito answered with, which is the canonical one even if asked by an alias.
        Username: user.Username ?? username,
        [MFA_SETTINGS[method]]: { Enabled: true, PreferredMfa: true },
      }),
    ),
  );
  return 'mfa_enabled';
}

const failed = (code: ActionErrorCode): PostAppendResult => ({ statusCode: 500, body: { code } });

/**
 * Answers one post-append call: `200 { outcome }`, or `500 { code }` with a code from the registry. Never
 * throws, and never answers a dependency's message or a stack.
 */
export async function answerPostAppend(
  event: unknown,
  config: PostAppendConfig,
  cognito: () => Promise<CognitoClient>,
  log: ActionLog,
): Promise<PostAppendResult> {
  const parsed = postAppendEventSchema.safeParse(event);
  const username = parsed.success ? parsed.data.username : '';
  if (username.length > COGNITO_USERNAME_MAX || !COGNITO_USERNAME.test(username)) {
    log.error({ code: 'invalid_event' });
    return failed('invalid_event');
  }
  try {
    const outcome = await withinDeadline(
      cognito().then((client) => ensureMfaAfterAppend(client, config.userPoolId, username, config.mfaMethod)),
      config.deadlineMs,
    );
    log.info({ outcome });
    return { statusCode: 200, body: { outcome } };
  } catch (error) {
    const code = codeOf(error);
    log.error({ code, error: errorNameOf(error) });
    return failed(code);
  }
}

const log = consoleLog('post-append');
const loaded = parsePostAppendConfig(process.env);
const cognito = loaded.ok ? cognitoForConfig(loaded.config) : undefined;

/** The action Corbado runs. A configuration mistake answers `500 { code: 'config_invalid' }`. */
export const handler = async (event: PostAppendEvent): Promise<PostAppendResult> => {
  if (!loaded.ok || !cognito) {
    log.error({ code: 'config_invalid', invalidKeys: loaded.ok ? [] : loaded.invalidKeys });
    return failed('config_invalid');
  }
  return answerPostAppend(event, loaded.config, cognito, log);
};
