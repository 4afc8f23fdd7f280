import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, SUPPORTED_TARGETS, start, type LocalAws } from '../src/index';
import { postJson, testConfig } from './helpers';

/** Junk for every operation: always a typed 4xx in the AWS error shape, never a 5xx (clients retry those). */
const JUNK: string[] = [
  '{}',
  'null',
  '"text"',
  '{"UserPoolId":{"$ne":1},"ClientId":[1],"Username":true}',
  '{"ClientId":"x","AuthFlow":"CUSTOM_AUTH","AuthParameters":{"USERNAME":7}}',
  '{"AccessToken":"eyJ.eyJ.sig","Token":"","Name":"","Names":[]}',
  `{"Filter":"email = \\"${'a'.repeat(300)}\\"","UserPoolId":"us-east-1_x"}`,
  JSON.stringify({ a: Array.from({ length: 2000 }, () => ({ b: [1, 2, 3] })) }),
];

let server: LocalAws;
beforeAll(async () => {
  server = await start({
    config: {
      ...testConfig(),
      principals: [
        ...(testConfig().principals ?? []),
        { accessKeyId: 'AKIAJUNKTEST', secretAccessKey: 'secret', arn: 'arn:aws:iam::222222222222:user/u' },
      ],
    },
    log: () => undefined,
  });
});
afterAll(async () => {
  await server.stop();
});

describe('bad input on every operation', () => {
  it.each(SUPPORTED_TARGETS)('%s answers junk with a typed 400', async (target) => {
    for (const body of JUNK) {
      // Signed by the operator, so that the junk reaches admin and SSM operations too.
      const res = await postJson(server.url, target, body);
      expect(res.status, `${target} ${body.slice(0, 60)}`).toBe(400);
      const type = res.headers.get('x-amzn-errortype');
      expect(ERROR_CODES).toContain(type);
      expect(((await res.json()) as { __type: string }).__type).toBe(type);
    }
  });
});

const SIG = `Signature=${'0'.repeat(64)}`;
const AMZ_DATE = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace(/\.\d{3}/, '');
const DAY = AMZ_DATE.slice(0, 8);
/** Authorization headers from absent through malformed to well-formed with wrong values. */
const AUTHORIZATIONS: (string | undefined)[] = [
  undefined,
  '',
  'AWS4-HMAC-SHA256',
  `AWS4-HMAC-SHA256 Credential=AKIAJUNKTEST/${DAY}/us-east-1/sts/aws4_request`,
  `AWS4-HMAC-SHA256 Credential=AKIAJUNKTEST/${DAY}/us-east-1/sts/aws4_request, SignedHeaders=host, ${SIG}`,
  `AWS4-HMAC-SHA256 Credential=AKIAJUNKTEST/${DAY}/us-east-1/sts/aws4_request, SignedHeaders=content-type;host;x-amz-date, ${SIG}`,
  `AWS4-HMAC-SHA256 Credential=AKIAJUNKTEST/${DAY}/us-east-1/ssm/aws4_request, SignedHeaders=host, ${SIG}`,
  `AWS4-HMAC-SHA256 Credential=AKIAJUNKTEST/${DAY}/us-east-1/sts/aws4_request, SignedHeaders=constructor;host;x-amz-date, ${SIG}`,
  `AWS4-HMAC-SHA256 Credential=ASIAAAAAAAAAAAAAAAAA/${DAY}/us-east-1/sts/aws4_request, SignedHeaders=host, ${SIG}`,
  `AWS4-HMAC-SHA256 Credential=${'A'.repeat(5000)}/x, ${SIG}`,
];
const FORMS = [
  'Action=AssumeRole&Version=2011-06-15',
  'Action=GetCallerIdentity&Version=2011-06-15',
  'Action=DeleteEverything&Version=2011-06-15',
  '%E0%A4%A=%%%&&&==&Action',
  `Action=AssumeRole&Version=2011-06-15&RoleArn=${'x'.repeat(5000)}&DurationSeconds=-1`,
];

describe('bad input on STS', () => {
  it('answers every junk request with a typed XML error, never a 5xx', async () => {
    for (const authorization of AUTHORIZATIONS) {
      for (const body of FORMS) {
        const res = await fetch(`${server.url}/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            // Now, so the signature is compared (an old date is refused before that).
            'x-amz-date': AMZ_DATE,
            ...(authorization !== undefined ? { authorization } : {}),
          },
          body,
        });
        const text = await res.text();
        const label = `${authorization?.slice(0, 80)} ${body.slice(0, 40)}`;
        expect([400, 403], label).toContain(res.status);
        expect(res.headers.get('content-type')).toBe('text/xml');
        const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
        expect(ERROR_CODES, label).toContain(code);
        expect(text).not.toContain('secret');
      }
    }
  });

  it('answers junk temporary-key signatures on the JSON protocols with a typed 400', async () => {
    for (const authorization of AUTHORIZATIONS.filter((a) => a?.includes('ASIA'))) {
      for (const target of ['AWSCognitoIdentityProviderService.AdminGetUser', 'AmazonSSM.GetParameter']) {
        const res = await fetch(`${server.url}/`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': target,
            'x-amz-security-token': 'forged',
            ...(authorization !== undefined ? { authorization } : {}),
          },
          body: '{"UserPoolId":"us-east-1_x","Username":"u","Name":"/app/secret"}',
        });
        expect(res.status).toBe(400);
        expect(res.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
      }
    }
  });
});
