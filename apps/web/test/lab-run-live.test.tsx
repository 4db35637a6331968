import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunLive, botPlan, type LiveSource } from '@/app/(app)/lab/RunLive';
import type { BacktestResult } from '@/lib/types';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'token' } }),
  signOut: vi.fn(),
}));
const push = vi.fn();
vi.mock('next/navigation', () => ({ useRouter: () => ({ push }) }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const account = (id: string, exchange: string, testnet: boolean, label: string) => ({
  id,
  exchange,
  label,
  testnet,
  is_active: true,
  created_at: '2026-12-01T00:00:00Z',
  webhook_secret_hint: 'abcd',
});
const ACCOUNTS = [
  account('acc-paper', 'paper', true, 'Paper'),
  account('acc-main', 'binance', false, 'Main'),
  account('acc-test', 'okx', true, 'OKX demo'),
];

/** What the lab ran: ema_cross tuned, on 4h candles, with a percent stop and an ATR take-profit. */
const source: LiveSource = {
  result: { strategy: 'ema_cross', params: { fastLength: 12, slowLength: 30 } } as unknown as BacktestResult,
  plan: {
    initial_capital: 10_000,
    size_pct: 20,
    leverage: 3,
    commission_pct: 0.04,
    direction: 'long',
    stop_loss_pct: 1.5,
    take_profit_atr: 3,
    trailing_atr: 0,
    close_pct: 100,
  },
  symbol: 'ETHUSDT',
  timeframe: '4h',
};

let posted: unknown[];
let answer: () => Response;
beforeEach(() => {
  posted = [];
  push.mockReset();
  answer = () => json({ id: 'bot-9' }, 201);
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const route = `${init?.method ?? 'GET'} ${String(input)}`;
    if (route === 'GET /api/v1/accounts-secure/list') return json({ accounts: ACCOUNTS, total: 3 });
    if (route === 'POST /api/v1/bots') {
      posted.push(JSON.parse(String(init!.body)));
      return answer();
    }
    throw new Error(`unexpected ${route}`);
  });
});
afterEach(() => vi.restoreAllMocks());

describe('the lab’s "Run live"', () => {
  it('creates a started bot from the lab’s strategy, parameters, plan, symbol and timeframe on a paper account, then opens it', async () => {
    const user = userEvent.setup();
    renderWithI18n(<RunLive source={source} />);
    await user.click(screen.getByRole('button', { name: 'Run live' }));
    const dialog = screen.getByRole('dialog', { name: 'Run this strategy live' });
    await within(dialog).findByRole('option', { name: 'Paper' });
    expect(dialog).toHaveTextContent('no real money is traded');
    expect(within(dialog).getByLabelText('Symbol')).toHaveValue('ETHUSDT');
    await user.click(within(dialog).getByRole('button', { name: 'Create and start the bot' }));
    await waitFor(() => expect(push).toHaveBeenCalledWith('/bots/bot-9'));
    expect(posted).toEqual([
      {
        account_id: 'acc-paper',
        strategy: 'ema_cross',
        params: { fastLength: 12, slowLength: 30 },
        symbol: 'ETHUSDT',
        timeframe: '4h',
        plan: { size_pct: 20, leverage: 3, direction: 'long', sl_pct: 1.5, tp_atr: 3 },
        start: true,
      },
    ]);
  });

  it('asks first that the user knows a live account trades real money (or the testnet)', async () => {
    const user = userEvent.setup();
    renderWithI18n(<RunLive source={source} />);
    await user.click(screen.getByRole('button', { name: 'Run live' }));
    const dialog = screen.getByRole('dialog');
    await within(dialog).findByRole('option', { name: 'Paper' });
    await user.selectOptions(within(dialog).getByLabelText('Account'), 'acc-main');
    const start = within(dialog).getByRole('button', { name: 'Create and start the bot' });
    expect(start).toBeDisabled();
    const confirm = within(dialog).getByLabelText(
      'I understand this bot trades real money on Binance (USDⓈ-M futures).',
    );
    await user.click(confirm);
    expect(start).toBeEnabled();
    // Another account asks again: an OKX demo account's orders go to the testnet.
    await user.selectOptions(within(dialog).getByLabelText('Account'), 'acc-test');
    expect(start).toBeDisabled();
    await user.click(within(dialog).getByLabelText(/places orders on the OKX .* testnet/));
    await user.click(start);
    await waitFor(() => expect(push).toHaveBeenCalledWith('/bots/bot-9'));
    expect(posted).toMatchObject([{ account_id: 'acc-test' }]);
  });

  it('puts the API’s refusal of the symbol next to it and stays open; cancel closes', async () => {
    const user = userEvent.setup();
    answer = () =>
      json(
        {
          detail: 'symbol: not listed',
          error: {
            code: 'VALIDATION_FAILED',
            message: 'symbol: not listed',
            details: { issues: [{ field: 'symbol', code: 'custom', message: 'not listed' }] },
          },
        },
        400,
      );
    renderWithI18n(<RunLive source={{ ...source, symbol: undefined }} />);
    await user.click(screen.getByRole('button', { name: 'Run live' }));
    const dialog = screen.getByRole('dialog');
    await within(dialog).findByRole('option', { name: 'Paper' });
    // A sample or a CSV names no symbol: the default is offered.
    const symbol = within(dialog).getByLabelText('Symbol');
    expect(symbol).toHaveValue('BTCUSDT');
    await user.click(within(dialog).getByRole('button', { name: 'Create and start the bot' }));
    await waitFor(() => expect(symbol).toHaveAttribute('aria-invalid', 'true'));
    expect(symbol).toHaveAccessibleDescription('This account’s exchange does not list this symbol.');
    expect(push).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Run live' })).toBeInTheDocument();
  });

  it('speaks Korean', async () => {
    const user = userEvent.setup();
    renderWithI18n(<RunLive source={source} />, 'ko');
    await user.click(screen.getByRole('button', { name: '실전 실행' }));
    const dialog = screen.getByRole('dialog', { name: '이 전략을 실전으로 실행' });
    await within(dialog).findByRole('option', { name: 'Paper' });
    expect(dialog).toHaveTextContent('실제 돈은 거래되지 않습니다');
    expect(within(dialog).getByRole('button', { name: '봇 만들고 시작' })).toBeEnabled();
  });

  it('says when the lab’s trailing stop or partial close is not applied by a bot', () => {
    expect(botPlan({ ...source.plan, trailing_pct: 1, trailing_activation: 0 }).ignored).toBe(true);
    expect(botPlan({ ...source.plan, close_pct: 50 }).ignored).toBe(true);
    expect(botPlan({ ...source.plan, tp1_atr: 1.5, tp1_qty_pct: 50 }).ignored).toBe(true);
    expect(botPlan({ ...source.plan, tp1_atr: 1.5, tp1_qty_pct: 50 }).plan).toEqual(
      botPlan(source.plan).plan,
    );
    expect(botPlan(source.plan).ignored).toBe(false);
  });
});
