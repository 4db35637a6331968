import { Readable } from 'node:stream';
import type { FastifySchemaCompiler } from 'fastify';
import type { App } from '../route-context.ts';

/**
 * Validation of the lab's POST bodies happens on the worker thread (`parseLabRequest`, with the
 * same schema and answers); the route keeps the schema for the OpenAPI document at /docs.
 */
export const validatedOnWorker: FastifySchemaCompiler<unknown> = () => (value) => ({ value });

/**
 * A scope whose JSON bodies reach the handlers as raw bytes, for a lab worker to parse: a 3 MB
 * upload cost the event loop ~15 ms to decode and ~16 ms to parse (a CPU profile under
 * `npm run bench:lab-load`), which webhooks waited for. Only `application/json` is read (415 otherwise).
 */
export function keepRawJsonBodies(scope: App): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
}

/**
 * A body of megabytes as a stream of 64 KiB views (no copy): the socket takes one slice at a time as
 * it drains, so writing a large backtest never holds the event loop in one piece (one 8 MB write
 * took ~30 ms of it) while webhooks wait.
 */
export function inSlices(bytes: Uint8Array, size = 64 * 1024): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= bytes.byteLength) {
        this.push(null);
        return;
      }
      this.push(bytes.subarray(offset, (offset += size)));
    },
  });
}
