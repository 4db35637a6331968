import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../route-context.ts';
import { completeTotpLogin, login, logout, publicUser, registerUser } from '../services/auth.ts';
import { changePassword, listSessions, revokeSession } from '../services/sessions.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  disableTotp,
  recoveryCodesLeft,
  regenerateRecoveryCodes,
} from '../services/totp.ts';
import {
  ChangePasswordBody,
  Done,
  LoginBody,
  LoginResponse,
  LoginSuccess,
  LogoutBody,
  LogoutResponse,
  PasswordChanged,
  RecoveryCodes,
  RegisterBody,
  SecondFactorBody,
  SessionList,
  SessionParams,
  TotpConfirmBody,
  TotpEnrolment,
  TotpLoginBody,
  TotpStatus,
  User,
} from './auth.schema.ts';
import { ErrorResponse } from './error.schema.ts';
import { bearerSecurity, currentUser, requireUser } from './guard.ts';

/** Stricter limits on the routes that take passwords or codes. */
const authRateLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } };
const tags = ['auth'];
const userAgent = (request: FastifyRequest) => request.headers['user-agent'];

export function registerAuthRoutes(context: RouteContext): void {
  registerSignInRoutes(context);
  registerSessionRoutes(context);
  registerTotpRoutes(context);
}

/** Register, sign in (with its TOTP step), sign out, and who am I. */
function registerSignInRoutes(context: RouteContext): void {
  const { app, deps } = context;
  app.post(
    '/api/v1/auth/register',
    {
      config: authRateLimit,
      schema: { tags, body: RegisterBody, response: { 201: User, 400: ErrorResponse } },
    },
    async (request, reply) => reply.status(201).send(await registerUser(deps.auth, request.body)),
  );

  app.post(
    '/api/v1/auth/login',
    {
      config: authRateLimit,
      schema: {
        tags,
        body: LoginBody,
        response: { 200: LoginResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request) =>
      login(deps.auth, {
        email: request.body.email,
        password: request.body.password,
        deviceToken: request.body.device_token,
        ip: request.ip,
        userAgent: userAgent(request),
      }),
  );

  app.post(
    '/api/v1/auth/login/totp',
    {
      config: authRateLimit,
      schema: {
        tags,
        body: TotpLoginBody,
        response: { 200: LoginSuccess, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => completeTotpLogin(deps.auth, request.body),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      preHandler: requireUser(context),
      schema: { tags, security: bearerSecurity, body: LogoutBody, response: { 200: LogoutResponse } },
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
      schema: { tags, security: bearerSecurity, response: { 200: User, 401: ErrorResponse } },
    },
    async (request) => publicUser(currentUser(request).user),
  );
}

/** Change the password, list the sessions, end one. */
function registerSessionRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const base = { preHandler: requireUser(context) };
  app.post(
    '/api/v1/auth/password',
    {
      ...base,
      config: authRateLimit,
      schema: {
        tags,
        security: bearerSecurity,
        body: ChangePasswordBody,
        response: { 200: PasswordChanged, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => ({
      success: true as const,
      revoked_sessions: await changePassword(deps.auth, currentUser(request), request.body),
    }),
  );

  app.get(
    '/api/v1/auth/sessions',
    {
      ...base,
      schema: { tags, security: bearerSecurity, response: { 200: SessionList, 401: ErrorResponse } },
    },
    async (request) => ({ sessions: await listSessions(deps.auth, currentUser(request)) }),
  );

  app.delete(
    '/api/v1/auth/sessions/:id',
    {
      ...base,
      schema: {
        tags,
        security: bearerSecurity,
        params: SessionParams,
        response: { 200: Done, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      await revokeSession(deps.auth, currentUser(request), request.params.id);
      return { success: true as const };
    },
  );
}

/** Two-factor authentication: status, enrol, confirm, new recovery codes, turn off. */
function registerTotpRoutes(context: RouteContext): void {
  const { app, deps } = context;
  const base = { preHandler: requireUser(context) };
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse };
  app.get(
    '/api/v1/auth/totp',
    {
      ...base,
      schema: { tags, security: bearerSecurity, response: { 200: TotpStatus, 401: ErrorResponse } },
    },
    async (request) => {
      const { user } = currentUser(request);
      return {
        enabled: user.totpSecretEnc !== null,
        recovery_codes_left: await recoveryCodesLeft(deps.database, user.id),
      };
    },
  );

  app.post(
    '/api/v1/auth/totp/enroll',
    { ...base, schema: { tags, security: bearerSecurity, response: { 200: TotpEnrolment, ...errors } } },
    async (request) => beginTotpEnrolment(deps.auth, currentUser(request).user),
  );

  app.post(
    '/api/v1/auth/totp/confirm',
    {
      ...base,
      config: authRateLimit,
      schema: {
        tags,
        security: bearerSecurity,
        body: TotpConfirmBody,
        response: { 200: RecoveryCodes, ...errors },
      },
    },
    async (request) => ({
      recovery_codes: await confirmTotpEnrolment(deps.auth, currentUser(request).user, request.body.code),
    }),
  );

  app.post(
    '/api/v1/auth/totp/recovery-codes',
    {
      ...base,
      config: authRateLimit,
      schema: {
        tags,
        security: bearerSecurity,
        body: SecondFactorBody,
        response: { 200: RecoveryCodes, ...errors },
      },
    },
    async (request) => ({
      recovery_codes: await regenerateRecoveryCodes(deps.auth, currentUser(request).user, request.body),
    }),
  );

  app.post(
    '/api/v1/auth/totp/disable',
    {
      ...base,
      config: authRateLimit,
      schema: { tags, security: bearerSecurity, body: SecondFactorBody, response: { 200: Done, ...errors } },
    },
    async (request) => {
      await disableTotp(deps.auth, currentUser(request).user, request.body);
      return { success: true as const };
    },
  );
}
