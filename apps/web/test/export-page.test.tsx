import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ExportPage from '@/app/(app)/export/page';
import { leverageProblem } from '@/app/(app)/export/use-export-form';
import type { StrategyDecl } from '@/lib/types';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'token' } }),
  signOut: vi.fn(),
}));

const text = (en: string) => ({ en, ko: en });
const strategies: StrategyDecl[] = [
  {
    id: 'ema_cross',
    name: text('EMA Crossover'),
    description: text('Two EMAs'),
    rules: { long_entry: text('up'), long_exit: text('-'), short_entry: text('down'), short_exit: text('-') },
    params: [
      {
        name: 'fastLength',
        type: 'int',
        default: 9,
        min: 2,
        max: 100,
        step: 1,
        label: text('Fast EMA length'),
      },
    ],
    constraints: [],
    plots: [],
  },
];
const account = {
  id: 'acc-1',
  exchange: 'paper',
  label: '',
  testnet: true,
  is_active: true,
  created_at: '2026-01-01T00:00:00Z',
  webhook_secret_hint: 'abcd',
};
const group = {
  id: 'grp-1',
  name: 'Both venues',
  webhook_secret_hint: 'wxyz',
  members: [
    { account_id: 'acc-1', exchange: 'paper', label: '', is_active: true },
    { account_id: 'acc-2', exchange: 'okx', label: 'OKX', is_active: true },
  ],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};
const GUIDE = [
  '# TradingView webhook setup',
  '',
  '## 1. Add the script to the chart',
  '1. Open the chart.',
  '2. Open the **Pine Editor** and paste `the script`.',
  '',
  '## 5. Errors and fixes',
  '| Answer | Cause | Fix |',
  '|---|---|---|',
  '| `Invalid webhook secret` | wrong secret | paste it again |',
].join('\n');
const exported = {
  script: '//@version=6\nstrategy("x")',
  guide: GUIDE,
  webhook_url: 'https://bot.example.com/api/v1/webhook/tradingview',
  alert_message_example: { action: 'long', secret: 'PASTE_YOUR_WEBHOOK_SECRET' },
  plan: {
    leverage: 5,
    size_pct: 20,
    initial_capital: 10000,
    commission_pct: 0.04,
    slippage_ticks: 0,
    direction: 'both',
    stop_loss: { type: 'atr', multiplier: 1.5 },
    take_profit: { type: 'none' },
    partial_take_profits: [] as { distance: object; qty_pct: number }[],
    break_even: false,
    trailing: { type: 'none' } as object,
    close_pct: 100,
    atr_period: 14,
    bar_magnifier: false,
    funding: false,
  },
};

let requests: string[];
beforeEach(() => {
  requests = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) => {
      requests.push(path);
      if (path.startsWith('/api/v1/simple/export-pine')) {
        const leverage = new URL(path, 'http://x').searchParams.get('leverage');
        if (leverage === '99')
          return new Response(
            JSON.stringify({
              detail: 'querystring.leverage: Too big',
              error: {
                code: 'VALIDATION_FAILED',
                message: 'querystring.leverage: Too big',
                details: {
                  issues: [{ field: 'leverage', message: 'Too big', code: 'too_big', maximum: 50 }],
                },
              },
            }),
            { status: 400 },
          );
        // As the server does: the lab plan's bar magnifier and funding come back in the plan.
        const sentPlan = JSON.parse(new URL(path, 'http://x').searchParams.get('plan') ?? '{}') as {
          bar_magnifier?: boolean;
          funding?: boolean;
        };
        const plan = {
          ...exported.plan,
          bar_magnifier: sentPlan.bar_magnifier === true,
          funding: sentPlan.funding === true,
        };
        return new Response(JSON.stringify({ ...exported, plan }), { status: 200 });
      }
      if (path === '/api/v1/account-groups')
        return new Response(JSON.stringify({ groups: [group], total: 1 }), { status: 200 });
      const answer = path === '/api/v1/strategies' ? { strategies } : { accounts: [account], total: 1 };
      return new Response(JSON.stringify(answer), { status: 200 });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('export page', () => {
  it('refuses a leverage that is not a whole number from 1 to 125, without rounding it', async () => {
    expect(['0', '2.5', '200', '', 'x', '-1'].map(leverageProblem)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['1', '20', '125'].map(leverageProblem)).toEqual([false, false, false]);
    const user = userEvent.setup();
    renderWithI18n(<ExportPage />);
    const leverage = await screen.findByLabelText('Leverage');
    await user.clear(leverage);
    await user.type(leverage, '2.5');
    expect(leverage).toHaveAttribute('aria-invalid', 'true');
    expect(leverage).toHaveAccessibleDescription('Leverage is a whole number from 1 to 125.');
    expect(screen.getByRole('button', { name: 'Generate script' })).toBeDisabled();
    await user.clear(leverage);
    await user.type(leverage, '3');
    expect(leverage).not.toHaveAttribute('aria-invalid');
    await user.click(screen.getByRole('button', { name: 'Generate script' }));
    await screen.findByTestId('pine-script');
    expect(requests.find((p) => p.startsWith('/api/v1/simple/export-pine'))).toContain('leverage=3&');
  });

  it("puts the API's leverage issue next to the field", async () => {
    const user = userEvent.setup();
    renderWithI18n(<ExportPage />, 'ko');
    const leverage = await screen.findByLabelText('레버리지');
    await user.clear(leverage);
    await user.type(leverage, '99');
    await user.click(screen.getByRole('button', { name: '스크립트 생성' }));
    await waitFor(() => expect(leverage).toHaveAttribute('aria-invalid', 'true'));
    expect(leverage).toHaveAccessibleDescription('레버리지는 1부터 125까지의 정수입니다.');
    expect(document.body.textContent).not.toContain('querystring');
  });

  it('shows what to paste in the alert first, the guide as steps, the script after and the example folded', async () => {
    const user = userEvent.setup();
    renderWithI18n(<ExportPage />);
    await user.click(await screen.findByRole('button', { name: 'Generate script' }));
    const paste = await screen.findByTestId('alert-box-text');
    expect(paste).toHaveTextContent('{{strategy.order.alert_message}}');
    // The guide: real headings, a numbered list and a table, not raw Markdown.
    const guide = screen.getByRole('region', { name: 'Setup guide' });
    expect(
      within(guide).getByRole('heading', { name: '1. Add the script to the chart' }),
    ).toBeInTheDocument();
    expect(within(guide).getAllByRole('listitem')).toHaveLength(2);
    expect(within(guide).getByText('Pine Editor').tagName).toBe('STRONG');
    expect(within(guide).getByRole('table')).toBeInTheDocument();
    expect(guide.textContent).not.toContain('##');
    expect(guide.textContent).not.toContain('**');
    // Order on the page: the alert box, the guide, then the script.
    const script = screen.getByTestId('pine-script');
    expect(paste.compareDocumentPosition(guide) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(guide.compareDocumentPosition(script) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // The example JSON sits in a closed <details>, labelled as not to be pasted.
    const example = screen.getByTestId('alert-message').closest('details')!;
    expect(example).not.toHaveAttribute('open');
    expect(within(example).getByText(/do not paste/)).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/settings page/);
  });

  it('offers the account groups as targets: the script is asked for group_id, with a note on the secret', async () => {
    const user = userEvent.setup();
    renderWithI18n(<ExportPage />);
    const target = await screen.findByLabelText('Account');
    await screen.findByRole('option', { name: 'Both venues · 2 accounts' });
    await user.selectOptions(target, 'group:grp-1');
    expect(screen.getByText(/every account of the group/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Generate script' }));
    await screen.findByTestId('pine-script');
    const sent = new URL(
      requests.find((r) => r.startsWith('/api/v1/simple/export-pine'))!,
      'http://x',
    );
    expect(sent.searchParams.get('group_id')).toBe('grp-1');
    expect(sent.searchParams.has('account_id')).toBe(false);
  });

  it('coming from the lab: shows its partial take-profits and break-even, sends them as edited, and shows the plan', async () => {
    const plan = {
      leverage: 2,
      stop_loss_atr: 2,
      take_profit_atr: 3,
      trailing_atr: 0,
      close_pct: 100,
      tp1_atr: 1.5,
      tp1_qty_pct: 50,
      break_even: true,
    };
    window.history.pushState(
      {},
      '',
      `/export?${new URLSearchParams({ strategy: strategies[0]!.id, plan: JSON.stringify(plan) })}`,
    );
    exported.plan.partial_take_profits = [{ distance: { type: 'atr', multiplier: 1.5 }, qty_pct: 40 }];
    exported.plan.break_even = true;
    exported.plan.trailing = { type: 'percent', offset: 1, activation: 2 };
    try {
      const user = userEvent.setup();
      renderWithI18n(<ExportPage />);
      const mode = await screen.findByLabelText('Partial take-profit 1');
      await waitFor(() => expect(mode).toHaveValue('atr'));
      expect(screen.getByLabelText('Partial take-profit 1, × ATR(14)')).toHaveValue(1.5);
      const qty = screen.getByLabelText('Take-profit 1 closes (% of the entry)');
      expect(qty).toHaveValue(50);
      expect(
        screen.getByLabelText('Move the stop-loss to the entry price once the first take-profit filled'),
      ).toBeChecked();
      await user.clear(qty);
      await user.type(qty, '40');
      await user.click(screen.getByRole('button', { name: 'Generate script' }));
      const shown = await screen.findByTestId('export-plan');
      const sent = new URL(
        requests.find((r) => r.startsWith('/api/v1/simple/export-pine'))!,
        'http://x',
      );
      expect(JSON.parse(sent.searchParams.get('plan')!)).toEqual({ ...plan, tp1_qty_pct: 40 });
      expect(shown).toHaveTextContent('40 % of the entry at 1.5 × ATR(14)');
      expect(shown).toHaveTextContent('1 % behind the best price, from 2 % in favour');
      expect(
        within(shown).getByText('Stop-loss to break-even after the first take-profit').nextSibling,
      ).toHaveTextContent('Yes');
    } finally {
      exported.plan.partial_take_profits = [];
      exported.plan.break_even = false;
      exported.plan.trailing = { type: 'none' };
      window.history.pushState({}, '', '/');
    }
  });

  it('checks partial take-profits with the trade plan rule beside their field, in Korean too', async () => {
    const user = userEvent.setup();
    renderWithI18n(<ExportPage />, 'ko');
    const mode = await screen.findByLabelText('부분 익절 1');
    await user.selectOptions(mode, 'percent');
    await user.type(screen.getByLabelText('부분 익절 1, 진입가 대비 %'), '2');
    const qty = screen.getByLabelText('익절 1 청산 비율 (진입 수량의 %)');
    await user.type(qty, '100');
    expect(qty).toHaveAttribute('aria-invalid', 'true');
    expect(qty).toHaveAccessibleDescription(/합계도 100 % 미만/);
    const generate = screen.getByRole('button', { name: /스크립트/ });
    expect(generate).toBeDisabled();
    await user.clear(qty);
    await user.type(qty, '50');
    expect(qty).not.toHaveAttribute('aria-invalid');
    // The second row and the break-even box appear once the first is on.
    await user.selectOptions(screen.getByLabelText('부분 익절 2'), 'percent');
    await user.type(screen.getByLabelText('부분 익절 2, 진입가 대비 %'), '1');
    await user.type(screen.getByLabelText('익절 2 청산 비율 (진입 수량의 %)'), '20');
    expect(screen.getByLabelText('부분 익절 2, 진입가 대비 %')).toHaveAttribute('aria-invalid', 'true');
    await user.clear(screen.getByLabelText('부분 익절 2, 진입가 대비 %'));
    await user.type(screen.getByLabelText('부분 익절 2, 진입가 대비 %'), '3');
    await user.click(screen.getByLabelText('첫 익절이 체결되면 손절가를 진입가로 옮기기'));
    await user.click(generate);
    await screen.findByTestId('pine-script');
    const sent = new URL(
      requests.find((r) => r.startsWith('/api/v1/simple/export-pine'))!,
      'http://x',
    );
    expect(JSON.parse(sent.searchParams.get('plan')!)).toEqual({
      tp1_pct: 2,
      tp1_qty_pct: 50,
      tp2_pct: 3,
      tp2_qty_pct: 20,
      break_even: true,
    });
  });

  it("coming from the lab: sends the run's plan and figures, takes its leverage, and shows the plan", async () => {
    const plan = { leverage: 5, size_pct: 20, stop_loss_atr: 1.5, take_profit_atr: 0 };
    const expected = { total_trades: 12 };
    window.history.pushState(
      {},
      '',
      `/export?${new URLSearchParams({ strategy: strategies[0]!.id, plan: JSON.stringify(plan), expected: JSON.stringify(expected) })}`,
    );
    const user = userEvent.setup();
    renderWithI18n(<ExportPage />);
    await user.click(await screen.findByRole('button', { name: 'Generate script' }));
    const shown = await screen.findByTestId('export-plan');
    const sent = new URL(
      requests.find((r) => r.startsWith('/api/v1/simple/export-pine'))!,
      'http://x',
    );
    expect(JSON.parse(sent.searchParams.get('plan')!)).toEqual(plan);
    expect(JSON.parse(sent.searchParams.get('expected')!)).toEqual(expected);
    expect(sent.searchParams.get('leverage')).toBe('5');
    expect(shown).toHaveTextContent('5x');
    expect(shown).toHaveTextContent('1.5 × ATR(14)');
    expect(shown).toHaveTextContent('None');
    expect(screen.queryByText(/charges no funding/)).not.toBeInTheDocument();
    window.history.pushState({}, '', '/');
  });

  it('coming from a lab run with the bar magnifier and funding: the plan says so, and that TradingView charges no funding', async () => {
    const plan = { leverage: 2, bar_magnifier: true, funding: true };
    window.history.pushState(
      {},
      '',
      `/export?${new URLSearchParams({ strategy: strategies[0]!.id, plan: JSON.stringify(plan) })}`,
    );
    const user = userEvent.setup();
    renderWithI18n(<ExportPage />);
    await user.click(await screen.findByRole('button', { name: 'Generate script' }));
    const shown = await screen.findByTestId('export-plan');
    const sent = new URL(
      requests.find((r) => r.startsWith('/api/v1/simple/export-pine'))!,
      'http://x',
    );
    expect(JSON.parse(sent.searchParams.get('plan')!)).toMatchObject({ bar_magnifier: true, funding: true });
    const row = within(shown)
      .getByRole('rowheader', { name: 'Bar magnifier (use_bar_magnifier)' })
      .closest('tr')!;
    expect(row).toHaveTextContent('Yes');
    expect(screen.getByRole('note')).toHaveTextContent(/Strategy Tester charges no funding/);
    window.history.pushState({}, '', '/');
  });
});
