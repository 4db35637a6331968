import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { accountGroupMembers, signals } from '@tradingbot/db';
import type { Position } from '@tradingbot/exchange';
import { startBinanceSimulator, startOkxSimulator } from '@tradingbot/exchange/sim';
import { createExchangeFactory } from '../src/exchange-factory.ts';
import { signUp, testApp, testConfig, type TestApp } from './helpers.ts';

/*
 * Issue 18 item 7: one alert, many accounts. A group of a Binance and an OKX account (each on its
 * venue's wire simulator) takes one alert with `group_id` and the group's secret; each member
 * executes with its own settings and its own idempotency key, the answer lists each result, a
 * paused or switched-off member is refused on its own, and a second delivery executes nobody again.
 * Groups are owner-scoped: nobody groups or uses another user's accounts.
 */

const KEY = 'G'.repeat(32) + 'g'.repeat(32);
const SECRET = 'H'.repeat(32) + 'h'.repeat(32);
const OKX_KEY = '7a1d2c3b-4a59-4e7d-8c1b-2a3f4e5d6c7b';
const OKX_SECRET = '1A1B2C3D4E5F60718293A4B5C6D7E8F9';
const PASSPHRASE = 'Group-Test-Passphrase-1';

type Sim = Awaited<ReturnType<typeof startBinanceSimulator>>;
type OkxSim = Awaited<ReturnType<typeof startOkxSimulator>>;
type User = Awaited<ReturnType<typeof signUp>>;
type Account = { id: string; exchange: string; webhook_secret: string };
type Group = { id: string; name: string; webhook_secret: string; members: Array<{ account_id: string }> };

let binance: Sim;
let okx: OkxSim;
let t: TestApp;
let alice: User;
let bob: User;
let aliceBinance: Account;
let aliceOkx: Account;
let alicePaper: Account;
let bobPaper: Account;

async function call(method: string, url: string, auth: Record<string, string>, payload?: unknown) {
  const response = await t.app.inject({
    method: method as 'GET',
    url,
    headers: auth,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: response.statusCode, body: response.json() };
}

async function register(user: User, payload: Record<string, unknown>): Promise<Account> {
  const answer = await call('POST', '/api/v1/accounts-secure/register', user.auth, payload);
  if (answer.status !== 200) throw new Error(`registration failed: ${JSON.stringify(answer.body)}`);
  return answer.body as Account;
}

async function createGroup(user: User, name: string, accountIds: string[]): Promise<Group> {
  const answer = await call('POST', '/api/v1/account-groups', user.auth, { name, account_ids: accountIds });
  if (answer.status !== 201) throw new Error(`group failed: ${JSON.stringify(answer.body)}`);
  return answer.body as Group;
}

async function alert(fields: Record<string, unknown>) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook/tradingview',
    headers: { 'content-type': 'text/plain' },
    payload: JSON.stringify({ action: 'long', symbol: 'BTCUSDT.P', leverage: 5, sl_pct: 2, ...fields }),
  });
  return { status: response.statusCode, body: response.json() };
}

/** The venue's own view of the position: base quantity per leg. */
async function legs(venue: Sim['venue'], symbol: string): Promise<Record<string, number>> {
  const positions: Position[] = await venue.positions(symbol);
  return Object.fromEntries(positions.filter((p) => Number(p.qty) !== 0).map((p) => [p.side, Number(p.qty)]));
}

const orderPosts = (requests: Array<{ method: string; path: string }>, path: string) =>
  requests.filter((r) => r.method === 'POST' && r.path === path).length;

beforeAll(async () => {
  const common = { port: 0, host: '127.0.0.1', balance: 10_000, hedge: false };
  binance = await startBinanceSimulator({
    ...common,
    apiKey: KEY,
    apiSecret: SECRET,
    prices: { BTCUSDT: 50_000 },
  });
  okx = await startOkxSimulator({
    ...common,
    apiKey: OKX_KEY,
    apiSecret: OKX_SECRET,
    passphrase: PASSPHRASE,
    prices: { 'BTC-USDT-SWAP': 50_000 },
  });
  t = await testApp({
    // A loaded machine must not turn a result into a 202: the answer waits for the executions.
    answerWithinMs: 20_000,
    connectExchange: createExchangeFactory({
      baseUrls: { binance: binance.url, okx: okx.url },
      requestTimeoutMs: 2_000,
    }),
  });
  alice = await signUp(t.app, 'alice-groups@example.com');
  bob = await signUp(t.app, 'bob-groups@example.com');
  aliceBinance = await register(alice, { exchange: 'binance', api_key: KEY, api_secret: SECRET });
  aliceOkx = await register(alice, {
    exchange: 'okx',
    api_key: OKX_KEY,
    api_secret: OKX_SECRET,
    passphrase: PASSPHRASE,
  });
  alicePaper = await register(alice, { exchange: 'paper' });
  bobPaper = await register(bob, { exchange: 'paper' });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await binance?.close();
  await okx?.close();
});

describe('/api/v1/account-groups', () => {
  it('creates (the secret once), lists, reads, renames, re-members, rotates and deletes a group', async () => {
    const created = await createGroup(alice, '  Both venues ', [aliceBinance.id, alicePaper.id]);
    expect(created).toMatchObject({
      name: 'Both venues',
      webhook_secret_hint: created.webhook_secret.slice(-4),
      members: [
        { account_id: aliceBinance.id, exchange: 'binance', is_active: true },
        { account_id: alicePaper.id, exchange: 'paper' },
      ],
    });
    expect(created.webhook_secret.length).toBeGreaterThanOrEqual(32);
    const path = `/api/v1/account-groups/${created.id}`;

    const listed = await call('GET', '/api/v1/account-groups', alice.auth);
    expect(listed.body.total).toBe(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.webhook_secret);
    expect((await call('GET', path, alice.auth)).body).toMatchObject({ id: created.id, name: 'Both venues' });

    const renamed = await call('PATCH', path, alice.auth, {
      name: 'Main',
      account_ids: [aliceOkx.id, aliceBinance.id],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Main');
    expect(renamed.body.members.map((m: { account_id: string }) => m.account_id)).toEqual([
      aliceOkx.id,
      aliceBinance.id,
    ]);

    const rotated = await call('POST', `${path}/webhook-secret/rotate`, alice.auth, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhook_secret).not.toBe(created.webhook_secret);
    expect((await call('GET', path, alice.auth)).body.webhook_secret_hint).toBe(
      rotated.body.webhook_secret.slice(-4),
    );
    // The old secret no longer reaches the group.
    const old = await alert({ group_id: created.id, secret: created.webhook_secret, id: 'rotated-1' });
    expect(old).toMatchObject({ status: 401, body: { error: { code: 'INVALID_WEBHOOK_SECRET' } } });

    expect((await call('DELETE', path, alice.auth)).body).toEqual({ success: true });
    expect((await call('GET', path, alice.auth)).body.error.code).toBe('ACCOUNT_GROUP_NOT_FOUND');
    expect(
      await t.database.db
        .select()
        .from(accountGroupMembers)
        .where(eq(accountGroupMembers.groupId, created.id)),
    ).toEqual([]);
  });

  it('exports a Pine script whose alerts name the group and no exchange; only to its owner', async () => {
    const group = await createGroup(alice, 'Exported', [aliceBinance.id, aliceOkx.id]);
    const exportFor = (user: User, query: Record<string, string>) =>
      call(
        'GET',
        `/api/v1/simple/export-pine?${new URLSearchParams({ strategy: 'ema_cross', ...query })}`,
        user.auth,
      );
    const answer = await exportFor(alice, { group_id: group.id, leverage: '3' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.alert_message_example).toMatchObject({ group_id: group.id, leverage: 3 });
    expect(answer.body.alert_message_example).not.toHaveProperty('account_id');
    expect(answer.body.alert_message_example).not.toHaveProperty('exchange');
    expect(answer.body.script).toContain(`"group_id":"${group.id}"`);
    expect(answer.body.script).not.toContain('"account_id"');
    expect(answer.body.guide).toContain(group.id);
    expect(answer.body.script + answer.body.guide).not.toContain(group.webhook_secret);

    const other = await exportFor(bob, { group_id: group.id });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('ACCOUNT_GROUP_NOT_FOUND');
    const both = await exportFor(alice, { group_id: group.id, account_id: aliceBinance.id });
    expect(both.status).toBe(400);
    expect(both.body.error.code).toBe('VALIDATION_FAILED');
    expect((await exportFor(alice, {})).status).toBe(400);
    expect((await call('DELETE', `/api/v1/account-groups/${group.id}`, alice.auth)).body).toEqual({
      success: true,
    });
  });

  it('answers bad input with field errors, never a 500', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: '', account_ids: [alicePaper.id] }, 'name'],
      [{ name: 'x', account_ids: [] }, 'account_ids'],
      [{ name: 'x', account_ids: [alicePaper.id, alicePaper.id] }, 'account_ids.1'],
      [{ name: 'x', account_ids: [alicePaper.id], surprise: 1 }, 'surprise'],
      [{ name: 'x'.repeat(65), account_ids: [alicePaper.id] }, 'name'],
      [{ name: 'x', account_ids: 'nope' }, 'account_ids'],
    ];
    for (const [payload, field] of cases) {
      const answer = await call('POST', '/api/v1/account-groups', alice.auth, payload);
      expect(answer.status, JSON.stringify(payload)).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      expect(answer.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
    }
    const group = await createGroup(alice, 'fields', [alicePaper.id]);
    const empty = await call('PATCH', `/api/v1/account-groups/${group.id}`, alice.auth, {});
    expect(empty.status).toBe(400);
    const unknown = await call('POST', '/api/v1/account-groups', alice.auth, {
      name: 'x',
      account_ids: ['no-such-account'],
    });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'ACCOUNT_GROUP_MEMBER_UNKNOWN' } } });
    expect((await call('GET', '/api/v1/account-groups', { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it("keeps groups to their owner: nobody groups, reads, changes or uses another user's", async () => {
    const group = await createGroup(alice, 'alice only', [alicePaper.id]);
    const path = `/api/v1/account-groups/${group.id}`;

    // Bob cannot put Alice's account in a group of his, nor into hers.
    const stolen = await call('POST', '/api/v1/account-groups', bob.auth, {
      name: 'mine now',
      account_ids: [bobPaper.id, alicePaper.id],
    });
    expect(stolen).toMatchObject({
      status: 400,
      body: {
        error: { code: 'ACCOUNT_GROUP_MEMBER_UNKNOWN', details: { issues: [{ field: 'account_ids.1' }] } },
      },
    });
    expect((await call('GET', '/api/v1/account-groups', bob.auth)).body).toEqual({ groups: [], total: 0 });
    for (const [method, url, payload] of [
      ['GET', path, undefined],
      ['PATCH', path, { account_ids: [bobPaper.id] }],
      ['POST', `${path}/webhook-secret/rotate`, {}],
      ['DELETE', path, undefined],
    ] as const) {
      const answer = await call(method, url, bob.auth, payload);
      expect(answer, `${method} ${url}`).toMatchObject({
        status: 404,
        body: { error: { code: 'ACCOUNT_GROUP_NOT_FOUND' } },
      });
    }
    // Alice cannot add Bob's account to her group either.
    const added = await call('PATCH', path, alice.auth, { account_ids: [alicePaper.id, bobPaper.id] });
    expect(added.body.error.code).toBe('ACCOUNT_GROUP_MEMBER_UNKNOWN');
    expect((await call('GET', path, alice.auth)).body.members).toHaveLength(1);

    // The database refuses it too: a member row of another user's account breaks the foreign keys.
    await expect(
      t.database.db
        .insert(accountGroupMembers)
        .values({ groupId: group.id, accountId: bobPaper.id, userId: alice.user.id }),
    ).rejects.toThrow();

    // Bob's own account secret does not open Alice's group; the group's secret does not open Bob's account.
    const withBobsSecret = await alert({
      group_id: group.id,
      secret: bobPaper.webhook_secret,
      exchange: 'paper',
    });
    expect(withBobsSecret).toMatchObject({
      status: 401,
      body: { error: { code: 'INVALID_WEBHOOK_SECRET' } },
    });
    const intoBob = await alert({ account_id: bobPaper.id, secret: group.webhook_secret, exchange: 'paper' });
    expect(intoBob).toMatchObject({ status: 401, body: { error: { code: 'INVALID_WEBHOOK_SECRET' } } });
    // A member's own secret is not the group's.
    const withMemberSecret = await alert({ group_id: group.id, secret: alicePaper.webhook_secret });
    expect(withMemberSecret.body.error.code).toBe('INVALID_WEBHOOK_SECRET');
    expect((await alert({ group_id: 'no-such-group', secret: group.webhook_secret })).body.error.code).toBe(
      'UNKNOWN_ACCOUNT_GROUP',
    );
    const both = await alert({ group_id: group.id, account_id: alicePaper.id, secret: group.webhook_secret });
    expect(both).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    // A group whose accounts were all deleted refuses the alert instead of answering an empty list.
    const gone = await register(alice, { exchange: 'paper' });
    const orphan = await createGroup(alice, 'orphan', [gone.id]);
    expect((await call('DELETE', `/api/v1/accounts-secure/${gone.id}`, alice.auth)).status).toBe(200);
    expect((await call('GET', `/api/v1/account-groups/${orphan.id}`, alice.auth)).body.members).toEqual([]);
    const empty = await alert({ group_id: orphan.id, secret: orphan.webhook_secret, exchange: 'paper' });
    expect(empty).toMatchObject({ status: 409, body: { error: { code: 'ACCOUNT_GROUP_EMPTY' } } });
    // Nothing of the refused alerts was recorded: they were never authenticated.
    expect(await t.database.db.select().from(signals).where(eq(signals.accountId, bobPaper.id))).toEqual([]);
  });
});

describe('a group alert (Binance + OKX simulators)', () => {
  let group: Group;

  beforeAll(async () => {
    // Each account its own settings: the alert names no size, so each sizes by its own default.
    const settings = async (account: Account, margin: string) => {
      const answer = await call('PUT', `/api/v1/accounts-secure/${account.id}/settings`, alice.auth, {
        default_size: { kind: 'usdt', value: margin },
      });
      if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
    };
    await settings(aliceBinance, '500');
    await settings(aliceOkx, '200');
    group = await createGroup(alice, 'Binance + OKX', [aliceBinance.id, aliceOkx.id]);
  });

  it('runs on every member with its own settings and key, lists each result, and executes each once', async () => {
    const body = { group_id: group.id, secret: group.webhook_secret, id: 'group-long-1' };
    const first = await alert(body);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ success: true, group_id: group.id });
    expect(first.body.results).toMatchObject([
      {
        account_id: aliceBinance.id,
        exchange: 'binance',
        http_status: 200,
        outcome: 'executed',
        success: true,
      },
      { account_id: aliceOkx.id, exchange: 'okx', http_status: 200, outcome: 'executed', success: true },
    ]);
    const ids = first.body.results.map((r: { signal_id: string }) => r.signal_id);
    expect(new Set(ids).size).toBe(2);
    // 500 USDT × 5 / 50 000 on Binance, 200 USDT × 5 / 50 000 on OKX: each account's own default size.
    expect(await legs(binance.venue, 'BTCUSDT')).toEqual({ net: 0.05 });
    expect(await legs(okx.venue, 'BTC-USDT-SWAP')).toEqual({ net: 0.02 });

    const rows = await t.database.db
      .select()
      .from(signals)
      .where(eq(signals.idempotencyKey, `acct:${aliceBinance.id}:id:group-long-1`));
    expect(rows.map((r) => r.id)).toEqual([ids[0]]);
    expect(rows[0]!.payload).toMatchObject({
      group_id: group.id,
      account_id: aliceBinance.id,
      exchange: 'binance',
    });
    expect(JSON.stringify(rows[0]!.payload)).not.toContain(group.webhook_secret);
    const okxRows = await t.database.db
      .select()
      .from(signals)
      .where(
        and(
          eq(signals.accountId, aliceOkx.id),
          eq(signals.idempotencyKey, `acct:${aliceOkx.id}:id:group-long-1`),
        ),
      );
    expect(okxRows.map((r) => r.id)).toEqual([ids[1]]);

    // TradingView delivers the alert again: every member answers with its first result, nothing is sent.
    const sentBefore = [
      orderPosts(binance.requests, '/fapi/v1/order'),
      orderPosts(okx.requests, '/api/v5/trade/order'),
    ];
    const again = await alert(body);
    expect(again.status).toBe(200);
    expect(again.body.results).toMatchObject([
      { account_id: aliceBinance.id, outcome: 'duplicate', duplicate: true, signal_id: ids[0] },
      { account_id: aliceOkx.id, outcome: 'duplicate', duplicate: true, signal_id: ids[1] },
    ]);
    expect([
      orderPosts(binance.requests, '/fapi/v1/order'),
      orderPosts(okx.requests, '/api/v5/trade/order'),
    ]).toEqual(sentBefore);
    expect(await legs(binance.venue, 'BTCUSDT')).toEqual({ net: 0.05 });
    expect(await legs(okx.venue, 'BTC-USDT-SWAP')).toEqual({ net: 0.02 });
  }, 60_000);

  it('refuses a paused or switched-off member in its own entry while the others run', async () => {
    expect((await call('POST', `/api/v1/accounts-secure/${aliceOkx.id}/pause`, alice.auth, {})).status).toBe(
      200,
    );
    const okxSent = orderPosts(okx.requests, '/api/v5/trade/order');
    const paused = await alert({ group_id: group.id, secret: group.webhook_secret, id: 'group-long-2' });
    expect(paused.status).toBe(200);
    expect(paused.body.success).toBe(false);
    expect(paused.body.results).toMatchObject([
      { account_id: aliceBinance.id, outcome: 'executed', success: true },
      {
        account_id: aliceOkx.id,
        outcome: 'refused',
        success: false,
        code: 'ENTRIES_PAUSED',
        http_status: 409,
      },
    ]);
    const refusedId = paused.body.results[1].signal_id as string;
    const [refused] = await t.database.db.select().from(signals).where(eq(signals.id, refusedId));
    expect(refused).toMatchObject({
      accountId: aliceOkx.id,
      status: 'rejected',
      errorCode: 'ENTRIES_PAUSED',
    });
    // Binance ran its turn (a long on a long position adds nothing); OKX was not sent anything.
    expect(await legs(binance.venue, 'BTCUSDT')).toEqual({ net: 0.05 });
    expect(await legs(okx.venue, 'BTC-USDT-SWAP')).toEqual({ net: 0.02 });
    expect(orderPosts(okx.requests, '/api/v5/trade/order')).toBe(okxSent);
    await call('POST', `/api/v1/accounts-secure/${aliceOkx.id}/resume`, alice.auth, {});

    // Switched off: refused as an inactive account; a close still reaches the other member.
    await call('POST', `/api/v1/accounts-secure/${aliceBinance.id}/toggle`, alice.auth, {});
    const inactive = await alert({
      group_id: group.id,
      secret: group.webhook_secret,
      id: 'group-close-1',
      action: 'close_long',
    });
    expect(inactive.body.results).toMatchObject([
      { account_id: aliceBinance.id, outcome: 'refused', code: 'ACCOUNT_INACTIVE' },
      { account_id: aliceOkx.id, outcome: 'executed', success: true },
    ]);
    expect(await legs(okx.venue, 'BTC-USDT-SWAP')).toEqual({});
    expect(await legs(binance.venue, 'BTCUSDT')).toEqual({ net: 0.05 });
    await call('POST', `/api/v1/accounts-secure/${aliceBinance.id}/toggle`, alice.auth, {});
  }, 60_000);

  it('refuses a member on another venue when the alert names one, and a wrong secret for all', async () => {
    const named = await alert({
      group_id: group.id,
      secret: group.webhook_secret,
      id: 'group-binance-only',
      exchange: 'binance',
      action: 'close_long',
    });
    expect(named.body.results).toMatchObject([
      { account_id: aliceBinance.id, outcome: 'executed' },
      { account_id: aliceOkx.id, outcome: 'refused', code: 'EXCHANGE_MISMATCH' },
    ]);
    expect(await legs(binance.venue, 'BTCUSDT')).toEqual({});

    // Two deliveries at once: each member still executes once.
    const race = { group_id: group.id, secret: group.webhook_secret, id: 'group-race' };
    const answers = await Promise.all([alert(race), alert(race)]);
    // One delivery runs each member's signal; the other answers duplicate (200 with the result, or
    // 202 when it arrived while the first was still running).
    for (const answer of answers) expect([200, 202]).toContain(answer.status);
    const outcomes = answers.flatMap((a) => a.body.results.map((r: { outcome: string }) => r.outcome)).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'executed', 'executed']);
    expect(await legs(binance.venue, 'BTCUSDT')).toEqual({ net: 0.05 });
    expect(await legs(okx.venue, 'BTC-USDT-SWAP')).toEqual({ net: 0.02 });
    for (const account of [aliceBinance, aliceOkx]) {
      const keyed = await t.database.db
        .select()
        .from(signals)
        .where(eq(signals.idempotencyKey, `acct:${account.id}:id:group-race`));
      expect(keyed).toHaveLength(1);
    }

    const before = (await t.database.db.select().from(signals)).length;
    const wrong = await alert({ group_id: group.id, secret: 'x'.repeat(43), id: 'group-wrong' });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'INVALID_WEBHOOK_SECRET' } } });
    expect((await t.database.db.select().from(signals)).length).toBe(before);
  }, 60_000);
});

describe('the rate limit of group alerts', () => {
  it('is the webhook route’s own: group and account alerts, right or wrong secret, count in one budget', async () => {
    const limited = await testApp({ config: testConfig({ WEBHOOK_RATE_LIMIT: '3' }) });
    try {
      const carol = await signUp(limited.app, 'carol-groups@example.com');
      const registered = await limited.app.inject({
        method: 'POST',
        url: '/api/v1/accounts-secure/register',
        headers: carol.auth,
        payload: { exchange: 'paper' },
      });
      const paper = registered.json() as Account;
      const created = await limited.app.inject({
        method: 'POST',
        url: '/api/v1/account-groups',
        headers: carol.auth,
        payload: { name: 'limited', account_ids: [paper.id] },
      });
      const group = created.json() as Group;
      const post = async (body: Record<string, unknown>) => {
        const response = await limited.app.inject({
          method: 'POST',
          url: '/api/v1/webhook/tradingview',
          payload: { action: 'close_all', symbol: 'BTCUSDT', exchange: 'paper', ...body },
        });
        return { status: response.statusCode, code: response.json().error?.code as string | undefined };
      };
      const wrong = { group_id: group.id, secret: 'w'.repeat(43) };
      expect(await post(wrong)).toEqual({ status: 401, code: 'INVALID_WEBHOOK_SECRET' });
      expect(await post(wrong)).toEqual({ status: 401, code: 'INVALID_WEBHOOK_SECRET' });
      expect((await post({ account_id: paper.id, secret: paper.webhook_secret, id: 'a-1' })).status).toBe(
        200,
      );
      expect(await post({ group_id: group.id, secret: group.webhook_secret, id: 'g-1' })).toMatchObject({
        status: 429,
      });
    } finally {
      await limited.close();
    }
  }, 60_000);
});
