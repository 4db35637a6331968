import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '@tradingbot/core';
import { login as loginService } from '../src/services/auth.ts';
import { signUp, testApp, TEST_DATABASE_URL, type TestApp } from './helpers.ts';

const PASSWORD = 'correct horse battery';
let t: TestApp;
let clock = new Date('2026-01-05T10:00:00Z');

beforeAll(async () => {
  t = await testApp({ now: () => clock });
});
afterAll(async () => t.close());

const login = (payload: Record<string, unknown>, remoteAddress = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, remoteAddress });

describe(`login lockout (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  // Through the service: 50 requests at once from one address would all meet the route's own rate
  // limit (20 a minute per address) before the lockout.
  it('checks at most five of 50 parallel wrong passwords from one address; the rest answer the lockout', async () => {
    await signUp(t.app, 'parallel@example.com');
    const deps = {
      database: t.database,
      secretKey: t.config.secretKey,
      keyRing: t.config.keyRing,
      now: () => clock,
    };
    const answers = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        loginService(deps, { email: 'parallel@example.com', password: `wrong guess ${i}`, ip: '127.0.0.9' }),
      ),
    );
    const codes = answers.map((answer) =>
      answer.status === 'rejected' ? (answer.reason as AppError).code : 'OK',
    );
    expect(codes.filter((code) => code === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(5);
    expect(codes.filter((code) => code === 'TOO_MANY_ATTEMPTS').length).toBeGreaterThanOrEqual(45);
    const refused = answers.find(
      (answer) => answer.status === 'rejected' && answer.reason.code === 'TOO_MANY_ATTEMPTS',
    );
    expect((refused as PromiseRejectedResult).reason.details.retry_after_seconds).toBeGreaterThan(0);
  });

  it('delays sign-ins to one account guessed from many addresses, except from a device that signed in before', async () => {
    const owner = await signUp(t.app, 'target@example.com');
    const device = (owner as unknown as { device_token: string }).device_token;
    expect(device).toMatch(/^[\w-]{40,}$/);
    const answers = [];
    for (let i = 0; i < 12; i++) {
      answers.push(await login({ email: 'target@example.com', password: `guess ${i}` }, `10.0.${i}.1`));
    }
    const codes = answers.map((answer) => answer.json().error.code as string);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('INVALID_CREDENTIALS'));
    expect(codes.slice(10)).toEqual(['LOGIN_DELAYED', 'LOGIN_DELAYED']);
    expect(answers[11]!.statusCode).toBe(429);
    expect(Number(answers[11]!.headers['retry-after'])).toBeGreaterThan(0);

    // The owner, on a new device, waits too; on the device that signed in before, they do not.
    const fresh = await login({ email: 'target@example.com', password: PASSWORD }, '192.168.1.20');
    expect(fresh.json().error.code).toBe('LOGIN_DELAYED');
    const known = await login(
      { email: 'target@example.com', password: PASSWORD, device_token: device },
      '192.168.1.20',
    );
    expect(known.statusCode).toBe(200);
    // Nor when the address it signs in from is locked out for this email.
    for (let i = 0; i < 5; i++) await login({ email: 'target@example.com', password: `x ${i}` }, '10.0.77.1');
    const lockedAddress = await login({ email: 'target@example.com', password: PASSWORD }, '10.0.77.1');
    expect(['TOO_MANY_ATTEMPTS', 'LOGIN_DELAYED']).toContain(lockedAddress.json().error.code);
    const knownThere = await login(
      { email: 'target@example.com', password: PASSWORD, device_token: device },
      '10.0.77.1',
    );
    expect(knownThere.statusCode).toBe(200);
    // A made-up device token is no exemption.
    const forged = await login(
      { email: 'target@example.com', password: 'guess 99', device_token: 'x'.repeat(43) },
      '10.0.99.1',
    );
    expect(forged.json().error.code).toBe('LOGIN_DELAYED');
  });

  it('grows the per-account delay with each further failure and resets it on success', async () => {
    await signUp(t.app, 'grow@example.com');
    const waits: number[] = [];
    for (let i = 0; i < 13; i++) {
      const answer = await login({ email: 'grow@example.com', password: `guess ${i}` }, `10.1.${i}.1`);
      if (answer.json().error.code === 'LOGIN_DELAYED') {
        waits.push(Number(answer.headers['retry-after']));
        clock = new Date(clock.getTime() + Number(answer.headers['retry-after']) * 1000);
      }
    }
    expect(waits.length).toBeGreaterThan(0);
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(waits.at(-1)!).toBeGreaterThan(waits[0]!);
    clock = new Date(clock.getTime() + 3600_000);
    expect((await login({ email: 'grow@example.com', password: PASSWORD }, '10.1.200.1')).statusCode).toBe(
      200,
    );
    const after = await login({ email: 'grow@example.com', password: 'guess again' }, '10.1.201.1');
    expect(after.json().error.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('logout ends the access token', () => {
  it('refuses the JWT of a session that logged out, and of sessions ended by "log out everywhere"', async () => {
    const first = await signUp(t.app, 'jwt@example.com');
    const me = (headers: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
    expect((await me(first.jwt)).statusCode).toBe(200);
    const second = (await login({ email: 'jwt@example.com', password: PASSWORD })).json();
    const secondJwt = { authorization: `Bearer ${second.access_token}` };
    expect((await me(secondJwt)).statusCode).toBe(200);

    // Logging out with the JWT ends its own session only.
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: first.jwt,
      payload: {},
    });
    expect(out.json()).toEqual({ success: true, revoked_sessions: 1 });
    expect((await me(first.jwt)).json().error.code).toBe('SESSION_EXPIRED');
    expect((await me(first.auth)).statusCode).toBe(401);
    expect((await me(secondJwt)).statusCode).toBe(200);

    const third = (await login({ email: 'jwt@example.com', password: PASSWORD })).json();
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${third.session_token}` },
      payload: { all: true },
    });
    expect((await me(secondJwt)).statusCode).toBe(401);
  });
});
