import type { ServerResponse } from 'node:http';
import type { RouteContext } from '../route-context.ts';
import { authenticate } from '../services/auth.ts';
import { sseFrame } from '../services/event-stream.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/** How often a comment line keeps proxies from closing an idle stream, and the session is checked again. */
export const SSE_HEARTBEAT_MS = 15_000;

/**
 * `GET /api/v1/events`: the caller's live events as server-sent events (`fill`, `position`,
 * `signal`, `order`, `protection`, `stream`), from every server process sharing the database
 * (`UserEventHub`). Authenticated like every
 * route (`Authorization: Bearer`; the web app reads it with fetch, since EventSource cannot send
 * headers); a session revoked while the stream is open ends it at the next heartbeat.
 */
export function registerEventRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const raw of open) raw.end();
    open.clear();
  });

  app.get(
    '/api/v1/events',
    {
      preHandler: requireUser(context),
      schema: {
        tags: ['events'],
        security: bearerSecurity,
        description:
          'Server-sent events (text/event-stream) of the caller: fill, position, signal, order, protection, stream.',
        response: { 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const userId = currentUser(request).user.id;
      const authorization = request.headers.authorization;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no', // nginx: do not buffer the stream
        'x-content-type-options': 'nosniff',
      });
      raw.write('retry: 3000\n: connected\n\n');
      open.add(raw);
      let sequence = 0;
      const unsubscribe = app.userEvents.subscribe(userId, (event) => {
        raw.write(sseFrame(event, ++sequence));
      });
      const heartbeat = setInterval(() => {
        void authenticate(deps.auth, authorization).then(
          () => raw.write(': ping\n\n'),
          () => raw.end(),
        );
      }, SSE_HEARTBEAT_MS);
      heartbeat.unref();
      const done = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(raw);
      };
      raw.on('close', done);
      request.raw.on('close', done);
    },
  );
}
