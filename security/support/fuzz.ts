// What every fuzz target shares: the seed and scale, raw HTTP with a bound on every answer, SigV4 signing
// of raw requests with the SDK's own signer, and the tally each target records as one row.
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { Agent, request } from 'node:http';

import { record } from './figures';
import type { Keys } from './stack';

/** Fixed by default so that a run is reproducible; `FUZZ_SEED` picks another (failures print theirs). */
export const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? 20_261_125 : Number(process.env.FUZZ_SEED);
/** Scales every target's number of inputs; 100 (the default) gives a little over 10,000 in all. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** Any answer slower than this is a hang. */
export const HANG_MS = 10_000;

/** The inputs of one target at the configured scale. */
export const runs = (atDefault: number): number => Math.max(1, Math.round((atDefault * FUZZ_RUNS) / 100));

export class Tally {
  /** Inputs of every target finished in this process. */
  static total = 0;
  inputs = 0;
  serverErrors = 0;
  crashes = 0;
  hangs = 0;

  constructor(readonly name: string) {}

  /** Records the row, then throws the failure report (fast-check's: seed and counterexample), if any. */
  finish(failure: string | undefined, note: string): void {
    Tally.total += this.inputs;
    record({
      kind: 'fuzz',
      name: this.name,
      figures: { inputs: this.inputs, '5xx': this.serverErrors, crashes: this.crashes, hangs: this.hangs },
      note: `${note}; seed ${FUZZ_SEED}`,
    });
    console.log(
      `fuzz ${this.name}: ${this.inputs} inputs, ${this.serverErrors} 5xx, ${this.crashes} crashes, ${this.hangs} hangs (seed ${FUZZ_SEED})`,
    );
    if (failure !== undefined) throw new Error(failure);
  }
}

/** fast-check's report of a failed run (with the seed to replay it), or undefined. */
export function failureOf(details: fc.RunDetails<unknown>): string | undefined {
  return details.failed ? (fc.defaultReportMessage(details) ?? 'fuzz property failed') : undefined;
}

/** fast-check parameters of one target: the fixed seed, and the failing assertion in the report. */
export function params(numRuns: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns, includeErrorInReport: true };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class Hang extends Error {
  override name = 'Hang';
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One request with exactly these headers and bytes; rejects with `Hang` when no answer comes in time. */
export function rawRequest(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: Uint8Array | string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(HANG_MS, () => {
      req.destroy();
      reject(new Hang(`no answer within ${HANG_MS} ms`));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A Node stack frame or an internal error name in a body: nothing a client may see. */
export const LEAKS = /\n\s+at [\w.<>]+ \(|node:internal|ReferenceError|TypeError:|SyntaxError:/;

/**
 * Sends one input, counts it, and says what was wrong with the answer (undefined when nothing): a 5xx, a
 * hang, or an internal detail in the body.
 */
export async function sendCounted(
  tally: Tally,
  url: string,
  options: { method: string; headers: Record<string, string>; body?: Uint8Array | string },
): Promise<{ answer?: RawAnswer; problem?: string }> {
  tally.inputs += 1;
  let answer: RawAnswer;
  try {
    answer = await rawRequest(url, options);
  } catch (error) {
    if (error instanceof Hang) {
      tally.hangs += 1;
      return { problem: 'hang' };
    }
    // The server closed the connection without an answer: as bad as a crash for the client.
    tally.crashes += 1;
    return { problem: `no answer (${error instanceof Error ? error.name : 'error'})` };
  }
  if (answer.status >= 500) {
    tally.serverErrors += 1;
    return { answer, problem: `HTTP ${answer.status}` };
  }
  if (LEAKS.test(answer.body)) return { answer, problem: 'an internal detail in the body' };
  return { answer };
}

/** Whether the server still answers its health URL (counted as a crash when it does not). */
export async function stillAnswers(tally: Tally, url: string): Promise<boolean> {
  try {
    const answer = await rawRequest(url, { method: 'GET', headers: {} });
    if (answer.status === 200) return true;
  } catch {
    // counted below
  }
  tally.crashes += 1;
  return false;
}

/** Signs a request for local-aws (JSON or query protocol) with `@smithy/signature-v4`. */
export async function signAws(
  url: string,
  service: string,
  keys: Keys,
  headers: Record<string, string>,
  body: string | Uint8Array,
): Promise<Record<string, string>> {
  const { hostname, port } = new URL(url);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: keys, sha256: Sha256 });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: '/',
      headers: { ...headers, host: `${hostname}:${port}` },
      body,
    }),
  );
  return signed.headers;
}

/** Header values a client can send (printable ASCII); fast-check's strings may hold anything else. */
export const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

/** Any bytes, any text, any JSON, or nothing: the body forms a server must survive. */
export const junkBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc.string({ maxLength: 256 }),
  fc.string({ unit: 'binary', maxLength: 128 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{}}}',
  ),
);

/** Any JSON value, kept small. */
export const anyJson = fc.jsonValue({ maxDepth: 2 });

/**
 * An object with some of `fields` (each either a plausible value from `plausible`, or anything), plus
 * perhaps a stray key: the shape that gets past a parser and into validation.
 */
export function fieldsObject(
  fields: readonly string[],
  plausible: (field: string) => fc.Arbitrary<unknown>,
): fc.Arbitrary<Record<string, unknown>> {
  const entry = fc
    .constantFrom(...fields)
    .chain((field) =>
      fc.tuple(
        fc.constant(field),
        fc.oneof({ weight: 3, arbitrary: plausible(field) }, { weight: 1, arbitrary: anyJson }),
      ),
    );
  return fc
    .tuple(
      fc.array(entry, { maxLength: fields.length }),
      fc.option(fc.tuple(fc.string({ maxLength: 12 }), anyJson), { freq: 4 }),
    )
    .map(([entries, stray]) => {
      const object: Record<string, unknown> = Object.fromEntries(entries);
      if (stray !== null) object[stray[0]] = stray[1];
      return object;
    });
}

/** Replaces one member of a JSON document (a real WebAuthn response, say) with anything. */
export function mutatedJson(valid: string): fc.Arbitrary<string> {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]): void => {
    paths.push(path);
    if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
  };
  walk(JSON.parse(valid), []);
  return fc
    .tuple(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.oneof(anyJson, fc.string()))
    .map(([path, replacement]) => {
      const doc = JSON.parse(valid) as Record<string, unknown>;
      let node: Record<string, unknown> = doc;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[path.at(-1) as string] = replacement;
      return JSON.stringify(doc);
    });
}
