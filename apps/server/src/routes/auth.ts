import type { RouteContext } from '../route-context.ts';
import { login, logout, publicUser, registerUser } from '../services/auth.ts';
import { LoginBody, LoginResponse, LogoutBody, LogoutResponse, RegisterBody, User } from './auth.schema.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/** Stricter limits on the routes that take passwords. */
const authRateLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } };

export function registerAuthRoutes(context: RouteContext): void {
  const { app, deps } = context;
  app.post(
    '/api/v1/auth/register',
    {
      config: authRateLimit,
      schema: {
        tags: ['auth'],
        body: RegisterBody,
        response: { 201: User, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const user = await registerUser(deps.auth, request.body);
      return reply.status(201).send(user);
    },
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: authRateLimit,
      schema: {
        tags: ['auth'],
        body: LoginBody,
        response: { 200: LoginResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request) => login(deps.auth, { ...request.body, ip: request.ip }),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      preHandler: requireUser(context),
      schema: {
        tags: ['auth'],
        security: bearerSecurity,
        body: LogoutBody,
        response: { 200: LogoutResponse },
      },
    },
    async (request) => ({
      success: true as const,
      revoked_sessions: await logout(deps.auth, currentUser(request), request.body?.all === true),
    }),
  );

  app.get(
    '/api/v1/auth/me',
    {
      preHandler: requireUser(context),
      schema: { tags: ['auth'], security: bearerSecurity, response: { 200: User, 401: ErrorResponse } },
    },
    async (request) => publicUser(currentUser(request).user),
  );
}
