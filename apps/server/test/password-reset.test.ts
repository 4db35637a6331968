import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '@tradingbot/core';
import { resetPasswordByOperator, temporaryPassword } from '../src/services/password-reset.ts';
import { signUp, testApp, TEST_DATABASE_URL, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t.close());

const login = (email: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

describe(`the operator's password reset (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('sets a generated password, ends the sessions and lets the user back in with it', async () => {
    const user = await signUp(t.app, 'forgetful@example.com');
    const me = () => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: user.auth });
    expect((await me()).statusCode).toBe(200);

    const reset = await resetPasswordByOperator(t.database, { email: '  Forgetful@Example.com ' });
    expect(reset).toMatchObject({ email: 'forgetful@example.com', generated: true });
    expect(reset.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect(reset.password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);

    expect((await me()).statusCode).toBe(401); // the old session is gone
    expect((await login('forgetful@example.com', 'correct horse battery')).statusCode).toBe(401);
    expect((await login('forgetful@example.com', reset.password)).statusCode).toBe(200);
  });

  it('takes a chosen password only if it passes the policy, and refuses an unknown email', async () => {
    await signUp(t.app, 'chooser@example.com');
    const weak = await resetPasswordByOperator(t.database, {
      email: 'chooser@example.com',
      password: 'password1',
    }).catch((e: unknown) => e);
    expect(isAppError(weak) && weak.code).toBe('WEAK_PASSWORD');
    const chosen = await resetPasswordByOperator(t.database, {
      email: 'chooser@example.com',
      password: 'eleven brown herons nap',
    });
    expect(chosen.generated).toBe(false);
    expect((await login('chooser@example.com', 'eleven brown herons nap')).statusCode).toBe(200);

    const unknown = await resetPasswordByOperator(t.database, { email: 'nobody@example.com' }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(unknown) && unknown.code).toBe('USER_NOT_FOUND');
  });

  it('makes temporary passwords that differ', () => {
    const seen = new Set(Array.from({ length: 50 }, temporaryPassword));
    expect(seen.size).toBe(50);
  });
});
