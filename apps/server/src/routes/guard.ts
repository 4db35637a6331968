import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../route-context.ts';
import { authenticate, type Authenticated } from '../services/auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: Authenticated;
  }
}

/** preHandler for protected routes: the caller, authenticated by their bearer token (`authenticate`). */
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
