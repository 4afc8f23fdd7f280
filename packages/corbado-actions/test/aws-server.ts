// A local HTTP endpoint for STS (awsQuery: form in, XML out) and Cognito (JSON 1.1), so the real SDK
// clients run unchanged, pointed at it by AWS_ENDPOINT_URL_STS and
// AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER. It answers what the test says and records every request.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  /** `sts:AssumeRole` or `cognito-idp:AdminGetUser`. */
  action: string;
  headers: IncomingHttpHeaders;
  /** The form fields (STS) or the JSON body (Cognito). */
  input: Record<string, unknown>;
}

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

export type Responder = (request: RecordedRequest) => Answer;

/** AssumeRole's XML answer (STS API reference), credentials valid for an hour. */
export function assumeRoleXml(accessKeyId: string, expiration = new Date(Date.now() + 3600_000)): Answer {
  return {
    status: 200,
    contentType: 'text/xml',
    body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>
      <SessionToken>FwoGZXIvYXdzEXAMPLESESSIONTOKEN</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAEXAMPLEID:corbado-connect-action</AssumedRoleId>
      <Arn>arn:aws:sts::123456789012:assumed-role/corbado-connect-actions/corbado-connect-action</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`,
  };
}

/** STS's XML error (AccessDenied is what a trust policy or external ID mismatch answers). */
export function stsErrorXml(status: number, code: string): Answer {
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>User is not authorized to perform: sts:AssumeRole on arn:aws:iam::123456789012:role/x</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
  };
}

/** A Cognito JSON answer, or its error shape with `__type`. */
export function cognitoJson(body: unknown, status = 200): Answer {
  return { status, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(body) };
}

export async function startAwsServer(respond: Responder): Promise<{
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const recorded: RecordedRequest =
        typeof target === 'string'
          ? {
              action: `cognito-idp:${target.split('.').pop() ?? ''}`,
              headers: req.headers,
              input: JSON.parse(text) as Record<string, unknown>,
            }
          : (() => {
              const input = Object.fromEntries(new URLSearchParams(text));
              return { action: `sts:${input.Action ?? ''}`, headers: req.headers, input };
            })();
      requests.push(recorded);
      const answer = respond(recorded);
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The environment an action runs with: its configuration, the endpoints, and the caller's credentials. */
export function actionEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    USER_POOL_ID: 'eu-central-1_Abc123XYZ',
    ASSUME_ROLE_ARN: 'arn:aws:iam::123456789012:role/corbado-connect-actions',
    EXTERNAL_ID: 'ext-7f3c2a9e-1b4d-4e8f-a6c5-0d2b9e8f1a37',
    AWS_ENDPOINT_URL_STS: endpoint,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoint,
    // The principal the action runs as, the one the role trusts.
    AWS_ACCESS_KEY_ID: 'AKIACORBADORUNTIME01',
    AWS_SECRET_ACCESS_KEY: 'corbado-runtime-secret-key-example',
    ...extra,
  };
}
