import type { IncomingMessage } from 'node:http';
import { BodyError } from './errors';

/**
 * Reads a request body of at most `limitBytes`. A larger one rejects with `BodyError('body_too_large')`
 * without being buffered (a declared `content-length` over the limit is refused before reading); a body
 * cut short by the client or the server's request timeout rejects with `BodyError('body_incomplete')`.
 * Either way the rest of the request is drained, so the connection can still carry the error answer.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const tooLarge = () => new BodyError('body_too_large', `request body exceeds ${limitBytes} bytes`);
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limitBytes) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  // Plain events rather than `for await`: the async iterator costs more than the parsing of a small body.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', (cause) =>
      reject(new BodyError('body_incomplete', 'the request body could not be read', { cause })),
    );
    // A client that goes away mid-body (or the request timeout) closes the request without 'end'.
    req.once('close', () => {
      if (!req.complete) reject(new BodyError('body_incomplete', 'the request body was cut short'));
    });
  });
}
