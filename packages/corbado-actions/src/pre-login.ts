// pre-login: identifier translation (Corbado's Cognito guide, §6.3). Corbado calls `handler` with what the
// user typed (an email, usually) and expects the Cognito username the passkeys are stored under, or an
// error: a silent one (`return: false`, the component falls back to the password form without a word) or
// a returned one (`return: true`, the app shows a message or acts on the code).
import {
  AdminGetUserCommand,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';

import { COGNITO_USERNAME, COGNITO_USERNAME_MAX, fromCognito } from './cognito';
import { parsePreLoginConfig, type PreLoginConfig } from './config';
import {
  preLoginEventSchema,
  type PreLoginErrorCode,
  type PreLoginEvent,
  type PreLoginResult,
} from './contract';
import { cognitoForConfig, type CognitoClient } from './credentials';
import { codeOf, errorNameOf, withinDeadline } from './errors';
import { consoleLog, type ActionLog } from './log';

/** The longest identifier looked up: the longest email address (RFC 5321 path limit less the brackets). */
export const MAX_IDENTIFIER_LENGTH = 254;

/** The guide's words for an unknown email, shown only with REVEAL_UNKNOWN_USER=true. */
export const USER_NOT_FOUND_MESSAGE = 'There is no account registered to that email address.';

/** ListUsers' largest page (API reference); two verified matches in it already mean "nobody". */
const LIST_USERS_LIMIT = 60;

const found = (username: string): PreLoginResult => ({ statusCode: 200, body: { identifier: username } });

const silent = (code: PreLoginErrorCode): PreLoginResult => ({
  statusCode: 200,
  body: { identifier: '', error: { return: false, code } },
});

const returned = (
  code: PreLoginErrorCode,
  detail: { message?: string; payload?: string },
): PreLoginResult => ({
  statusCode: 200,
  body: { identifier: '', error: { return: true, code, ...detail } },
});

/**
 * The identifier as it is looked up, or undefined when it cannot name a user. Trimmed, nothing else: it is
 * not lowercased, because a Cognito username is case-insensitive only when the pool was created so
 * (`UsernameConfiguration.CaseSensitive: false`), and lowercasing would miss `Alice` in a case-sensitive
 * pool. Refused: empty, longer than an email can be, anything outside Cognito's Username pattern
 * (whitespace, control and format characters), and `"` and `\`, so the value can never change the meaning
 * of the ListUsers filter it is put into.
 */
export function normaliseIdentifier(raw: string): string | undefined {
  const value = raw.trim();
  if (value.length === 0 || value.length > MAX_IDENTIFIER_LENGTH) return undefined;
  if (!COGNITO_USERNAME.test(value) || /["\\]/.test(value)) return undefined;
  return value;
}

/**
 * The guide's status table, for a user Cognito found. The account must be enabled before anything else is
 * said about it.
 *
 * Any other status (UNCONFIRMED, EXTERNAL_PROVIDER, COMPROMISED, ARCHIVED, UNKNOWN, or none) is a silent
 * `untyped`, where the guide returns it with a message: silent is safer, because a returned error tells
 * whoever typed the email that an account exists, and the password form is where Cognito itself handles
 * these users (confirm the sign-up, sign in with the identity provider, reset the password).
 */
export function answerForUser(
  user: Pick<UserType, 'Username' | 'Enabled' | 'UserStatus'>,
  identifier: string,
): PreLoginResult {
  if (user.Enabled !== true) return silent('account_disabled');
  switch (user.UserStatus) {
    case 'CONFIRMED':
      return user.Username && user.Username.length <= COGNITO_USERNAME_MAX
        ? found(user.Username)
        : silent('untyped');
    case 'FORCE_CHANGE_PASSWORD':
      return silent('force_change_password');
    case 'RESET_REQUIRED':
      // Returned, so a reset forced after a compromise stops passkey login too, and the app can open the
      // reset form prefilled with what the user typed (the payload; never an attribute they did not type).
      return returned('reset_required', { payload: identifier });
    default:
      return silent('untyped');
  }
}

/**
 * The one user whose verified email is `identifier`, or undefined for none or several. Pools where email
 * is a plain attribute (neither the username nor an alias) do not find users by email with AdminGetUser,
 * and Cognito does not keep such emails unique; an unverified email proves nothing about who owns it.
 * A second page means more than a page of users share the email: nobody, too.
 */
async function findByVerifiedEmail(
  cognito: CognitoClient,
  userPoolId: string,
  identifier: string,
): Promise<UserType | undefined> {
  const answer = await fromCognito(
    cognito.send(
      new ListUsersCommand({
        UserPoolId: userPoolId,
        Filter: `email = "${identifier}"`,
        Limit: LIST_USERS_LIMIT,
        AttributesToGet: ['email_verified'],
      }),
    ),
  );
  if (answer.PaginationToken) return undefined;
  const verified = (answer.Users ?? []).filter((user) =>
    (user.Attributes ?? []).some((a) => a.Name === 'email_verified' && a.Value === 'true'),
  );
  return verified.length === 1 ? verified[0] : undefined;
}

/**
 * The Cognito user behind `identifier` (already normalised), or undefined. AdminGetUser takes the
 * username, or the email where email is the pool's username attribute or a (verified) alias; only when it
 * finds nobody does ListUsers search the email attribute.
 */
export async function findUser(
  cognito: CognitoClient,
  userPoolId: string,
  identifier: string,
): Promise<Pick<UserType, 'Username' | 'Enabled' | 'UserStatus'> | undefined> {
  if (identifier.length <= COGNITO_USERNAME_MAX) {
    try {
      return await fromCognito(
        cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: identifier })),
      );
    } catch (error) {
      if (codeOf(error) !== 'user_not_found') throw error;
    }
  }
  // Without an @ it is no email address, so no email attribute can equal it.
  if (!identifier.includes('@')) return undefined;
  return findByVerifiedEmail(cognito, userPoolId, identifier);
}

/**
 * Answers one pre-login call. Never throws: an identifier that cannot name a user is a silent
 * `invalid_identifier` without a Cognito call; any failure (STS, Cognito, a defect) is a silent `untyped`,
 * so the user still gets the password form, and the log gets the code and the error's name.
 */
export async function translateIdentifier(
  event: unknown,
  config: PreLoginConfig,
  cognito: () => Promise<CognitoClient>,
  log: ActionLog,
): Promise<PreLoginResult> {
  const parsed = preLoginEventSchema.safeParse(event);
  const identifier = parsed.success ? normaliseIdentifier(parsed.data.identifier) : undefined;
  if (identifier === undefined) {
    log.info({ outcome: 'invalid_identifier' });
    return silent('invalid_identifier');
  }
  try {
    const user = await withinDeadline(
      cognito().then((client) => findUser(client, config.userPoolId, identifier)),
      config.deadlineMs,
    );
    if (!user) {
      log.info({ outcome: 'user_not_found' });
      // Silent by default: the password form, as for everyone else, so the answer does not tell who has
      // an account (the app client's PreventUserExistenceErrors does the same for passwords).
      return config.revealUnknownUser
        ? returned('user_not_found', { message: USER_NOT_FOUND_MESSAGE })
        : silent('user_not_found');
    }
    const result = answerForUser(user, identifier);
    log.info({ outcome: 'error' in result.body ? result.body.error.code : 'found' });
    return result;
  } catch (error) {
    log.error({ outcome: 'untyped', code: codeOf(error), error: errorNameOf(error) });
    return silent('untyped');
  }
}

const log = consoleLog('pre-login');
const loaded = parsePreLoginConfig(process.env);
const cognito = loaded.ok ? cognitoForConfig(loaded.config) : undefined;

/** The action Corbado runs. A configuration mistake answers a silent `untyped` and logs the variables. */
export const handler = async (event: PreLoginEvent): Promise<PreLoginResult> => {
  if (!loaded.ok || !cognito) {
    log.error({
      outcome: 'untyped',
      code: 'config_invalid',
      invalidKeys: loaded.ok ? [] : loaded.invalidKeys,
    });
    return silent('untyped');
  }
  return translateIdentifier(event, loaded.config, cognito, log);
};
