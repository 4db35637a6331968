import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { cookies } from 'next/headers';
import { webConfig } from './config';
import type { LoginResponse, LoginSuccess } from './lib/types';

declare module 'next-auth' {
  interface Session {
    /** The API's session token, sent as `Authorization: Bearer` on every API call. */
    accessToken?: string;
    /** When the API's session ends (ISO). */
    expiresAt?: string;
    user: DefaultSession['user'] & { id?: string };
  }
  interface User {
    accessToken?: string;
    expiresAt?: string;
  }
}

/** A refused sign-in, carrying the API's error code (INVALID_CREDENTIALS, TOO_MANY_ATTEMPTS, …). */
class ApiSignInError extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

/** An httpOnly cookie holding the API's device token: this browser skips the per-account sign-in delay. */
const DEVICE_COOKIE = 'tradingbot.device';
const DEVICE_COOKIE_MAX_AGE = 90 * 24 * 3600;

type Credentials = Partial<
  Record<'email' | 'password' | 'challenge_token' | 'code' | 'recovery_code', unknown>
>;

/**
 * One sign-in step against the API: the password (`/auth/login`), or, for a user with two-factor
 * authentication, the challenge it answered plus a code (`/auth/login/totp`). A challenge comes
 * back to the form as the error code `TOTP_REQUIRED:<challenge token>`.
 */
function forwardedFor(request: Request): Record<string, string> {
  const address = request.headers.get('x-forwarded-for');
  return address ? { 'x-forwarded-for': address } : {};
}

async function apiSignIn(credentials: Credentials, request: Request): Promise<LoginSuccess> {
  const text = (name: keyof Credentials) => {
    const value = credentials[name];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };
  const jar = await cookies();
  const deviceToken = jar.get(DEVICE_COOKIE)?.value;
  const challenge = text('challenge_token');
  const [path, body] = challenge
    ? [
        '/api/v1/auth/login/totp',
        {
          challenge_token: challenge,
          code: text('code'),
          recovery_code: text('recovery_code'),
          device_token: deviceToken,
        },
      ]
    : [
        '/api/v1/auth/login',
        { email: text('email') ?? '', password: text('password') ?? '', device_token: deviceToken },
      ];
  let response: Response;
  try {
    response = await fetch(`${webConfig.apiUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // The sessions list and the sign-in limits see the browser, not this server: its user agent,
        // and its address as the server that mounts this app resolved it (apps/server/src/web.ts).
        'user-agent': request.headers.get('user-agent') ?? 'unknown',
        ...forwardedFor(request),
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiSignInError('NETWORK');
  }
  if (!response.ok) {
    const answer = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
    throw new ApiSignInError(answer?.error?.code ?? `HTTP_${response.status}`);
  }
  const answer = (await response.json()) as LoginResponse;
  if ('totp_required' in answer) throw new ApiSignInError(`TOTP_REQUIRED:${answer.challenge_token}`);
  jar.set(DEVICE_COOKIE, answer.device_token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: new URL(request.url).protocol === 'https:',
    path: '/',
    maxAge: DEVICE_COOKIE_MAX_AGE,
  });
  return answer;
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: 'jwt' },
  pages: { signIn: '/signin' },
  providers: [
    Credentials({
      credentials: {
        email: { label: 'Email' },
        password: { label: 'Password', type: 'password' },
        challenge_token: {},
        code: {},
        recovery_code: {},
      },
      async authorize(credentials, request) {
        const body = await apiSignIn(credentials ?? {}, request);
        return {
          id: body.user.id,
          email: body.user.email,
          name: body.user.name,
          accessToken: body.session_token,
          expiresAt: body.expires_at,
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.accessToken = user.accessToken;
        token.expiresAt = user.expiresAt;
        token.uid = user.id;
      }
      return token;
    },
    session({ session, token }) {
      session.accessToken = token.accessToken as string | undefined;
      session.expiresAt = token.expiresAt as string | undefined;
      if (typeof token.uid === 'string') session.user.id = token.uid;
      return session;
    },
  },
});
