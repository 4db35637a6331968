import { describe, expect, it } from 'vitest';
import type { AccountRow } from '@tradingbot/db';
import { ServerErrors, withDetails } from '../src/errors.ts';
import { groupAnswer, memberRefusal, type GroupFanOut } from '../src/services/webhook-answers.ts';

// A group alert's answer at its deadline: what each member reached by then (issue 18 item 7).
const account = (id: string, exchange: 'binance' | 'okx') => ({ id, exchange }) as AccountRow;
const handling = (signalId: string, recorded: boolean) => ({ signalId, deadline: 0, recorded });

describe('groupAnswer', () => {
  it('is 202 while a member is still running, each member with what it reached', () => {
    const fanOut: GroupFanOut = {
      groupId: 'g1',
      authenticated: true,
      members: [
        {
          account: account('a', 'binance'),
          handling: handling('s-a', true),
          answer: { status: 200, body: { success: true, signal_id: 's-a', outcome: 'executed' } },
        },
        { account: account('b', 'okx'), handling: handling('s-b', true) },
        { account: account('c', 'okx'), handling: handling('s-c', false) },
        {
          account: account('d', 'binance'),
          handling: handling('s-d', true),
          answer: memberRefusal(withDetails(ServerErrors.create('VALIDATION_FAILED'), { signal_id: 's-d' })),
        },
      ],
    };
    const answer = groupAnswer(fanOut);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ success: false, group_id: 'g1' });
    expect(answer.body.results).toMatchObject([
      { account_id: 'a', exchange: 'binance', http_status: 200, outcome: 'executed', signal_id: 's-a' },
      { account_id: 'b', exchange: 'okx', http_status: 202, outcome: 'accepted', signal_id: 's-b' },
      { account_id: 'c', http_status: 202, outcome: 'receiving', signal_id: 's-c' },
      { account_id: 'd', http_status: 400, outcome: 'refused', code: 'VALIDATION_FAILED', signal_id: 's-d' },
    ]);
  });

  it('is 202 with no results while the group is still being read, 200 once every member finished', () => {
    expect(groupAnswer({ groupId: 'g2', members: [] })).toMatchObject({
      status: 202,
      body: { group_id: 'g2', results: [] },
    });
    const done = groupAnswer({
      groupId: 'g3',
      authenticated: true,
      members: [
        {
          account: account('a', 'okx'),
          handling: handling('s', true),
          answer: { status: 200, body: { success: true, outcome: 'duplicate', duplicate: true } },
        },
      ],
    });
    expect(done).toMatchObject({ status: 200, body: { success: true, results: [{ outcome: 'duplicate' }] } });
  });

  it('reports an unexpected failure of one member as INTERNAL, without its details', () => {
    expect(memberRefusal(new Error('db exploded'))).toEqual({
      status: 500,
      body: { success: false, outcome: 'refused', code: 'INTERNAL', message: 'Internal error' },
    });
  });
});
