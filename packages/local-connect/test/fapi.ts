/** Frontend API calls from Node, with the headers web-core sends (2.18.0 unless told otherwise). */
export function fapiClient(baseUrl: string, projectId: string) {
  return async function post(
    path: string,
    body: unknown,
    options: {
      processId?: string;
      origin?: string;
      projectId?: string;
      raw?: string;
      /** The `sdkVersion` of the `x-corbado-sdk` header, as web-core sends it. @default '2.18.0' */
      sdkVersion?: string;
      /** The browser's `User-Agent`. @default fetch's own */
      userAgent?: string;
    } = {},
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-corbado-projectid': options.projectId ?? projectId,
      'x-corbado-sdk': JSON.stringify({ name: 'web-core', sdkVersion: options.sdkVersion ?? '2.18.0' }),
    };
    if (options.processId) headers['x-corbado-process-id'] = options.processId;
    if (options.origin) headers.origin = options.origin;
    if (options.userAgent) headers['user-agent'] = options.userAgent;
    const res = await fetch(`${baseUrl}/v2/connect/${path}`, {
      method: 'POST',
      headers,
      body: options.raw ?? JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };
}
