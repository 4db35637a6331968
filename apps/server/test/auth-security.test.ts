import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOTP, Secret } from 'otpauth';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '@tradingbot/db';
import { createKeyRing, parseEncryptionKey } from '../src/crypto/credentials.ts';
import { rotateKeys } from '../src/services/key-rotation.ts';
import { passwordHasher } from '../src/services/passwords.ts';
import { verifySecondFactor } from '../src/services/totp.ts';
import { signUp, testApp, TEST_DATABASE_URL, type TestApp } from './helpers.ts';

const PASSWORD = 'correct horse battery';
let t: TestApp;
let clock = new Date('2026-03-02T08:00:00Z');

beforeAll(async () => {
  t = await testApp({ now: () => clock });
});
afterAll(async () => t.close());

const later = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));
const call = (
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  headers: Record<string, string> = {},
  payload?: unknown,
) => t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

/** RFC 4226 §5.3 HOTP / RFC 6238 TOTP by hand: independent of the library the server uses. */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '').toUpperCase())
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  return Buffer.from(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
}
function totp(key: Buffer, at: Date, digits = 6, algorithm = 'sha1'): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at.getTime() / 1000 / 30)));
  const mac = createHmac(algorithm, key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(value).padStart(digits, '0');
}

describe('TOTP algorithm (RFC 6238 appendix B, SHA-1)', () => {
  const key = Buffer.from('12345678901234567890');
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  it.each(vectors)('at %i s the code is %s, by hand and by the library the server uses', (seconds, code) => {
    expect(totp(key, new Date(seconds * 1000), 8)).toBe(code);
    const library = new TOTP({
      secret: new Secret({ buffer: key.buffer.slice(key.byteOffset, key.byteOffset + 20) }),
      digits: 8,
      period: 30,
      algorithm: 'SHA1',
    });
    expect(library.generate({ timestamp: seconds * 1000 })).toBe(code);
  });
});

describe(`password policy and registration (${TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('refuses common and trivial passwords with WEAK_PASSWORD and zxcvbn feedback', async () => {
    for (const password of [
      'password123',
      'aaaaaaaaaaaa',
      'qwertyuiop12',
      'changemechangeme',
      'weakling@example.com',
    ]) {
      const answer = await call(
        'POST',
        '/api/v1/auth/register',
        {},
        { email: 'weakling@example.com', password },
      );
      expect(answer.statusCode, password).toBe(400);
      const { error } = answer.json();
      expect(error.code).toBe('WEAK_PASSWORD');
      expect(error.details).toMatchObject({ min_length: 10, min_score: 3 });
      expect(error.details.score).toBeLessThan(3);
      expect(error.details.warning ?? error.details.suggestions[0]).toEqual(expect.any(String));
    }
    expect(
      (await call('POST', '/api/v1/auth/register', {}, { email: 'weakling@example.com', password: 'short' }))
        .statusCode,
    ).toBe(400);
    expect(
      (await call('POST', '/api/v1/auth/register', {}, { email: 'weakling@example.com', password: PASSWORD }))
        .statusCode,
    ).toBe(201);
  });

  it('answers a taken email exactly like a new one, after the same password hashing, and makes no second account', async () => {
    await signUp(t.app, 'taken@example.com');
    const hash = vi.spyOn(passwordHasher, 'hash');
    const fresh = await call(
      'POST',
      '/api/v1/auth/register',
      {},
      { email: 'fresh@example.com', password: 'a different secret 1', name: 'x' },
    );
    expect(hash).toHaveBeenCalledTimes(1);
    const taken = await call(
      'POST',
      '/api/v1/auth/register',
      {},
      { email: 'Taken@example.com', password: 'a different secret 1', name: 'x' },
    );
    expect(hash).toHaveBeenCalledTimes(2);
    hash.mockRestore();
    expect(taken.statusCode).toBe(fresh.statusCode);
    const shape = (body: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value]));
    expect(shape(taken.json())).toEqual(shape(fresh.json()));
    expect({ ...taken.json(), id: '', email: '', created_at: '' }).toEqual({
      ...fresh.json(),
      id: '',
      email: '',
      created_at: '',
    });
    expect(taken.json().email).toBe('taken@example.com');
    expect(Object.keys(taken.headers).sort()).toEqual(Object.keys(fresh.headers).sort());
    // The original owner keeps their password; the second registration's password opens nothing.
    const original = await call(
      'POST',
      '/api/v1/auth/login',
      {},
      { email: 'taken@example.com', password: PASSWORD },
    );
    expect(original.statusCode).toBe(200);
    const other = await call(
      'POST',
      '/api/v1/auth/login',
      {},
      { email: 'taken@example.com', password: 'a different secret 1' },
    );
    expect(other.json().error.code).toBe('INVALID_CREDENTIALS');
  });
});

describe('two-factor authentication', () => {
  let user: Awaited<ReturnType<typeof signUp>>;
  let key: Buffer;
  let recovery: string[];
  beforeAll(async () => {
    user = await signUp(t.app, 'twofa@example.com');
  });

  it('enrols with a QR code and confirms with a code; the recovery codes are shown once', async () => {
    const enrol = await call('POST', '/api/v1/auth/totp/enroll', user.jwt);
    expect(enrol.statusCode).toBe(200);
    const { secret, otpauth_uri, qr_code_svg } = enrol.json();
    expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/TradingBot%20AI:twofa%40example\.com\?/);
    expect(otpauth_uri).toContain(`secret=${secret}`);
    expect(qr_code_svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    key = base32Decode(secret);
    const wrong = await call('POST', '/api/v1/auth/totp/confirm', user.jwt, {
      code: totp(key, new Date(clock.getTime() - 600_000)),
    });
    expect(wrong.json().error.code).toBe('TOTP_INVALID');
    const confirmed = await call('POST', '/api/v1/auth/totp/confirm', user.jwt, { code: totp(key, clock) });
    expect(confirmed.statusCode).toBe(200);
    recovery = confirmed.json().recovery_codes;
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    expect((await call('GET', '/api/v1/auth/totp', user.jwt)).json()).toEqual({
      enabled: true,
      recovery_codes_left: 10,
    });
    expect((await call('GET', '/api/v1/auth/me', user.jwt)).json().totp_enabled).toBe(true);
    expect((await call('POST', '/api/v1/auth/totp/enroll', user.jwt)).json().error.code).toBe(
      'TOTP_ALREADY_ENABLED',
    );
    const stored = JSON.stringify(await t.database.db.execute('SELECT * FROM users, recovery_codes'));
    expect(stored).not.toContain(secret);
    for (const code of recovery) expect(stored).not.toContain(code);
  });

  it('asks for a code at sign-in and accepts each code, and each recovery code, once', async () => {
    const password = async () =>
      (
        await call('POST', '/api/v1/auth/login', {}, { email: 'twofa@example.com', password: PASSWORD })
      ).json();
    const first = await password();
    expect(first).toEqual({
      totp_required: true,
      challenge_token: expect.any(String),
      expires_at: expect.any(String),
    });
    expect(first.access_token).toBeUndefined();
    // The code that confirmed the enrolment was used already.
    const replay = await call(
      'POST',
      '/api/v1/auth/login/totp',
      {},
      { challenge_token: first.challenge_token, code: totp(key, clock) },
    );
    expect(replay.json().error.code).toBe('TOTP_INVALID');
    later(30);
    const done = await call(
      'POST',
      '/api/v1/auth/login/totp',
      {},
      { challenge_token: first.challenge_token, code: totp(key, clock) },
    );
    expect(done.statusCode).toBe(200);
    expect(
      (await call('GET', '/api/v1/auth/me', { authorization: `Bearer ${done.json().access_token}` }))
        .statusCode,
    ).toBe(200);
    // A challenge is single use, and a code too.
    const again = await call(
      'POST',
      '/api/v1/auth/login/totp',
      {},
      { challenge_token: first.challenge_token, code: totp(key, clock) },
    );
    expect(again.json().error.code).toBe('LOGIN_CHALLENGE_INVALID');
    const second = await password();
    const reused = await call(
      'POST',
      '/api/v1/auth/login/totp',
      {},
      { challenge_token: second.challenge_token, code: totp(key, clock) },
    );
    expect(reused.json().error.code).toBe('TOTP_INVALID');
    const byRecovery = await call(
      'POST',
      '/api/v1/auth/login/totp',
      {},
      { challenge_token: second.challenge_token, recovery_code: recovery[0]!.toUpperCase() },
    );
    expect(byRecovery.statusCode).toBe(200);
    const third = await password();
    const spent = await call(
      'POST',
      '/api/v1/auth/login/totp',
      {},
      { challenge_token: third.challenge_token, recovery_code: recovery[0] },
    );
    expect(spent.json().error.code).toBe('TOTP_INVALID');
    // Five tries per challenge, then it is gone.
    for (let i = 0; i < 4; i++)
      await call(
        'POST',
        '/api/v1/auth/login/totp',
        {},
        { challenge_token: third.challenge_token, code: '000000' },
      );
    later(30);
    const exhausted = await call(
      'POST',
      '/api/v1/auth/login/totp',
      {},
      { challenge_token: third.challenge_token, code: totp(key, clock) },
    );
    expect(exhausted.json().error.code).toBe('LOGIN_CHALLENGE_INVALID');
    // And it expires after five minutes.
    const fourth = await password();
    later(301);
    const late = await call(
      'POST',
      '/api/v1/auth/login/totp',
      {},
      { challenge_token: fourth.challenge_token, code: totp(key, clock) },
    );
    expect(late.json().error.code).toBe('LOGIN_CHALLENGE_INVALID');
  });

  it('requires a fresh code to rotate a webhook secret or delete an exchange account', async () => {
    const session = user.auth;
    const created = await call('POST', '/api/v1/accounts-secure/register', session, {
      exchange: 'paper',
      api_key: 'k',
      api_secret: 's',
    });
    expect(created.statusCode).toBe(200);
    const id = created.json().id as string;
    const rotate = (headers: Record<string, string> = {}) =>
      call('POST', `/api/v1/accounts-secure/${id}/webhook-secret/rotate`, { ...session, ...headers });
    expect((await rotate()).statusCode).toBe(403);
    expect((await rotate()).json().error.code).toBe('TOTP_REQUIRED');
    expect((await rotate({ 'x-totp-code': '123456' })).json().error.code).toBe('TOTP_INVALID');
    later(30);
    const rotated = await rotate({ 'x-totp-code': totp(key, clock) });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().webhook_secret).toEqual(expect.any(String));
    const remove = (headers: Record<string, string> = {}) =>
      call('DELETE', `/api/v1/accounts-secure/${id}`, { ...session, ...headers });
    expect((await remove()).json().error.code).toBe('TOTP_REQUIRED');
    expect((await remove({ 'x-totp-code': totp(key, clock) })).json().error.code).toBe('TOTP_INVALID'); // used above
    later(30);
    expect((await remove({ 'x-totp-code': totp(key, clock) })).statusCode).toBe(200);
  });

  it('keeps working after the encryption key is rotated and the old key dropped', async () => {
    const fresh = createKeyRing(parseEncryptionKey(randomBytes(32).toString('base64')), [
      t.config.keyRing.current,
    ]);
    await rotateKeys(t.database, fresh);
    const alone = createKeyRing(fresh.current);
    const [row] = await t.database.db.select().from(users).where(eq(users.email, 'twofa@example.com'));
    expect(row!.totpSecretEnc!.split(':')[1]).toBe(fresh.current.id);
    later(30);
    await verifySecondFactor({ database: t.database, keyRing: alone, now: () => clock }, row!, {
      code: totp(key, clock),
    });
    // Back to the app's own key for the tests that follow.
    await rotateKeys(t.database, createKeyRing(t.config.keyRing.current, [fresh.current]));
  });

  it('turns off only with a code, and then signs in with the password alone', async () => {
    const refused = await call('POST', '/api/v1/auth/totp/disable', user.jwt, { code: '000000' });
    expect(refused.json().error.code).toBe('TOTP_INVALID');
    later(30);
    const off = await call('POST', '/api/v1/auth/totp/disable', user.jwt, { code: totp(key, clock) });
    expect(off.json()).toEqual({ success: true });
    const login = await call(
      'POST',
      '/api/v1/auth/login',
      {},
      { email: 'twofa@example.com', password: PASSWORD },
    );
    expect(login.json().access_token).toEqual(expect.any(String));
    expect((await call('GET', '/api/v1/auth/totp', user.jwt)).json()).toEqual({
      enabled: false,
      recovery_codes_left: 0,
    });
  });
});

describe('sessions and password', () => {
  it('lists the sessions with their device, marks the current one, and revokes one', async () => {
    const phone = await signUp(t.app, 'sessions@example.com');
    const laptop = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'sessions@example.com', password: PASSWORD },
        headers: { 'user-agent': 'Laptop Browser/1.0' },
        remoteAddress: '10.9.8.7',
      })
    ).json();
    const laptopAuth = { authorization: `Bearer ${laptop.access_token}` };
    const list = (await call('GET', '/api/v1/auth/sessions', laptopAuth)).json().sessions;
    expect(list).toHaveLength(2);
    const current = list.find((s: { current: boolean }) => s.current);
    expect(current).toMatchObject({ user_agent: 'Laptop Browser/1.0', ip: '10.9.8.7' });
    expect(current.last_seen_at).toEqual(expect.any(String));
    const other = list.find((s: { current: boolean }) => !s.current);

    const stranger = await signUp(t.app, 'stranger@example.com');
    expect((await call('DELETE', `/api/v1/auth/sessions/${other.id}`, stranger.auth)).json().error.code).toBe(
      'SESSION_NOT_FOUND',
    );
    expect((await call('DELETE', `/api/v1/auth/sessions/${other.id}`, laptopAuth)).json()).toEqual({
      success: true,
    });
    expect((await call('GET', '/api/v1/auth/me', phone.jwt)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/auth/me', phone.auth)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/auth/me', laptopAuth)).statusCode).toBe(200);
    expect((await call('DELETE', `/api/v1/auth/sessions/${other.id}`, laptopAuth)).statusCode).toBe(404);
  });

  it('changes the password with the current one, and ends every other session', async () => {
    const one = await signUp(t.app, 'change@example.com');
    const two = (
      await call('POST', '/api/v1/auth/login', {}, { email: 'change@example.com', password: PASSWORD })
    ).json();
    const change = (body: object) => call('POST', '/api/v1/auth/password', one.auth, body);
    expect(
      (await change({ current_password: 'not it at all', new_password: 'brand new secret 42' })).json().error
        .code,
    ).toBe('CURRENT_PASSWORD_WRONG');
    expect(
      (await change({ current_password: PASSWORD, new_password: 'password1234' })).json().error.code,
    ).toBe('WEAK_PASSWORD');
    const changed = await change({ current_password: PASSWORD, new_password: 'brand new secret 42' });
    expect(changed.json()).toEqual({ success: true, revoked_sessions: 1 });
    expect(
      (await call('GET', '/api/v1/auth/me', { authorization: `Bearer ${two.access_token}` })).statusCode,
    ).toBe(401);
    expect((await call('GET', '/api/v1/auth/me', one.auth)).statusCode).toBe(200);
    const login = (password: string) =>
      call('POST', '/api/v1/auth/login', {}, { email: 'change@example.com', password });
    expect((await login(PASSWORD)).statusCode).toBe(401);
    expect((await login('brand new secret 42')).statusCode).toBe(200);
  });
});
