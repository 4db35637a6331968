import NextAuth, { CredentialsSignin, type DefaultSession } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { webConfig } from './config';
import type { LoginResponse } from './lib/types';

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

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: 'jwt' },
  pages: { signIn: '/signin' },
  providers: [
    Credentials({
      credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        const email = typeof credentials?.email === 'string' ? credentials.email : '';
        const password = typeof credentials?.password === 'string' ? credentials.password : '';
        let response: Response;
        try {
          response = await fetch(`${webConfig.apiUrl}/api/v1/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          });
        } catch {
          throw new ApiSignInError('NETWORK');
        }
        if (!response.ok) {
          const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
          throw new ApiSignInError(body?.error?.code ?? `HTTP_${response.status}`);
        }
        const body = (await response.json()) as LoginResponse;
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
