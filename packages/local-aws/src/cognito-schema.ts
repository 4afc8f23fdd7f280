import type { CustomAttributeConfig } from './config';
import type { Client, Pool } from './cognito-model';
import { ServiceError, invalidParameter } from './errors';

// A pool's attribute schema: Cognito's standard attributes, the pool's custom ones (`custom:<name>`), which
// values a write may carry, and which attributes a client may write (its `WriteAttributes`).

/** A schema attribute as Cognito describes it (`SchemaAttributeType`). */
export interface SchemaAttribute {
  Name: string;
  AttributeDataType: 'String' | 'Number' | 'DateTime' | 'Boolean';
  DeveloperOnlyAttribute: boolean;
  Mutable: boolean;
  Required: boolean;
  StringAttributeConstraints?: { MinLength: string; MaxLength: string };
  NumberAttributeConstraints?: { MinValue?: string; MaxValue?: string };
}

/** Cognito's standard attributes (OpenID Connect's claims), every pool has them. */
const STANDARD: readonly SchemaAttribute[] = [
  ['sub', 'String', false],
  ['name', 'String', true],
  ['given_name', 'String', true],
  ['family_name', 'String', true],
  ['middle_name', 'String', true],
  ['nickname', 'String', true],
  ['preferred_username', 'String', true],
  ['profile', 'String', true],
  ['picture', 'String', true],
  ['website', 'String', true],
  ['email', 'String', true],
  ['email_verified', 'Boolean', true],
  ['gender', 'String', true],
  ['birthdate', 'String', true],
  ['zoneinfo', 'String', true],
  ['locale', 'String', true],
  ['phone_number', 'String', true],
  ['phone_number_verified', 'Boolean', true],
  ['address', 'String', true],
  ['updated_at', 'Number', true],
  ['identities', 'String', true],
].map(([Name, AttributeDataType, Mutable]) => ({
  Name: Name as string,
  AttributeDataType: AttributeDataType as SchemaAttribute['AttributeDataType'],
  DeveloperOnlyAttribute: false,
  Mutable: Mutable as boolean,
  Required: Name === 'sub',
  ...(AttributeDataType === 'String'
    ? { StringAttributeConstraints: { MinLength: Name === 'sub' ? '1' : '0', MaxLength: '2048' } }
    : {}),
  ...(AttributeDataType === 'Number' ? { NumberAttributeConstraints: { MinValue: '0' } } : {}),
}));

/** Attributes a user's own client may never write, whatever its `WriteAttributes` say. */
const NEVER_CLIENT_WRITTEN = new Set(['sub', 'identities']);

/** Most custom attributes a pool may have (Cognito's quota). */
export const MAX_CUSTOM_ATTRIBUTES = 50;

export const CUSTOM_PREFIX = 'custom:';

/** A custom attribute of the config (or of AddCustomAttributes) in Cognito's described form. */
export function customSchemaAttribute(config: CustomAttributeConfig): SchemaAttribute {
  return {
    Name: `${CUSTOM_PREFIX}${config.name}`,
    AttributeDataType: config.type,
    DeveloperOnlyAttribute: false,
    Mutable: config.mutable,
    Required: false,
    ...(config.type === 'String'
      ? {
          StringAttributeConstraints: {
            MinLength: String(config.minLength ?? 0),
            MaxLength: String(config.maxLength ?? 2048),
          },
        }
      : {}),
    ...(config.type === 'Number' ? { NumberAttributeConstraints: {} } : {}),
  };
}

/** Every attribute of the pool's schema, standard ones first, as DescribeUserPool lists them. */
export function schemaOf(pool: Pool): SchemaAttribute[] {
  return [...STANDARD, ...(pool.settings.customAttributes ?? [])];
}

function findAttribute(pool: Pool, name: string): SchemaAttribute | undefined {
  return schemaOf(pool).find((a) => a.Name === name);
}

const NOT_IN_SCHEMA = (name: string) =>
  invalidParameter(`Invalid user attributes: ${name}: Attribute does not exist in the schema.`);

/**
 * Checks the attributes one write sets, as Cognito does: each must be in the schema, `sub` and immutable
 * attributes may not change once the user exists, and values must fit their type and length.
 */
export function checkAttributeValues(
  pool: Pool,
  values: Record<string, string>,
  existing?: Record<string, string>,
): void {
  for (const [name, value] of Object.entries(values)) {
    if (name === 'sub' || name.startsWith('cognito:'))
      throw invalidParameter(`Cannot modify the non-mutable attribute ${name}`);
    const attribute = findAttribute(pool, name);
    if (attribute === undefined) throw NOT_IN_SCHEMA(name);
    if (existing !== undefined && !attribute.Mutable && existing[name] !== undefined)
      throw invalidParameter(`Invalid user attributes: ${name}: Attribute cannot be updated.`);
    const limits = attribute.StringAttributeConstraints;
    if (limits !== undefined && [...value].length > Number(limits.MaxLength))
      throw invalidParameter(
        `Invalid user attributes: ${name}: String attribute exceeds the maximum length of ${limits.MaxLength}.`,
      );
    if (limits !== undefined && value !== '' && [...value].length < Number(limits.MinLength))
      throw invalidParameter(
        `Invalid user attributes: ${name}: String attribute is shorter than the minimum length of ${limits.MinLength}.`,
      );
    if (attribute.AttributeDataType === 'Number' && value !== '' && !/^-?\d+(\.\d+)?$/.test(value))
      throw invalidParameter(`Invalid user attributes: ${name}: Number attribute is not a number.`);
    if (attribute.AttributeDataType === 'Boolean' && !['true', 'false', ''].includes(value))
      throw invalidParameter(`Invalid user attributes: ${name}: Boolean attribute must be true or false.`);
  }
}

/** The attributes removed by AdminDeleteUserAttributes must be in the schema, and deletable. */
export function checkAttributeDeletes(pool: Pool, names: readonly string[]): void {
  for (const name of names) {
    if (name === 'sub' || name.startsWith('cognito:'))
      throw invalidParameter(`Cannot modify the non-mutable attribute ${name}`);
    const attribute = findAttribute(pool, name);
    if (attribute === undefined) throw NOT_IN_SCHEMA(name);
    if (!attribute.Mutable)
      throw invalidParameter(`Invalid user attributes: ${name}: Attribute cannot be updated.`);
    if (name === 'email' && pool.settings.usernameAttributes.includes('email'))
      throw invalidParameter('Invalid user attributes: email: The username attribute cannot be deleted.');
  }
}

/** The client's write attributes: configured, or Cognito's default of every mutable attribute. */
export function writeAttributesOf(pool: Pool, client: Client): string[] {
  return (
    client.settings.writeAttributes ??
    schemaOf(pool)
      .filter((a) => a.Mutable && !NEVER_CLIENT_WRITTEN.has(a.Name))
      .map((a) => a.Name)
  );
}

/**
 * A user's own write (SignUp, UpdateUserAttributes) may only set the client's write attributes;
 * Cognito refuses any other with `NotAuthorizedException`.
 */
export function checkClientWrites(pool: Pool, client: Client, names: readonly string[]): void {
  const allowed = new Set(writeAttributesOf(pool, client));
  for (const name of names) {
    if (!allowed.has(name) || NEVER_CLIENT_WRITTEN.has(name))
      throw new ServiceError('NotAuthorizedException', 'A client attempted to write unauthorized attribute');
  }
}
