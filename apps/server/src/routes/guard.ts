import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../app.ts';
import { authenticate, type Authenticated } from '../services/auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: Authenticated;
  }
}

/** preHandler for protected routes: the seed's `get_current_user`. */
export function requireUser(context: RouteContext) {
  return async (request: FastifyRequest) => {
    request.auth = await authenticate(context.deps.auth, request.headers.authorization);
  };
}

export function currentUser(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new Error('route registered without requireUser');
  return request.auth;
}

export const bearerSecurity = [{ bearer: [] }];
