import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { TradesTable, tradesCsv } from '@/components/TradesTable';
import type { TradeRow } from '@/lib/types';
import { renderWithI18n } from './render';

const trade = (k: number, pnl: number): TradeRow => ({
  side: k % 2 ? 'short' : 'long',
  entry_time: Date.UTC(2024, 0, k + 1),
  entry_price: 100 + k,
  exit_time: Date.UTC(2024, 0, k + 2),
  exit_price: 101 + k,
  qty: 1,
  fees: 0.1,
  pnl,
  pnl_pct: pnl,
  exit_reason: 'signal',
  bars_held: 24,
});
const trades = [trade(0, 5), trade(1, -3), trade(2, 12)];

describe('TradesTable', () => {
  it('sorts by any column from the keyboard, and says how it is sorted', async () => {
    const user = userEvent.setup();
    renderWithI18n(<TradesTable trades={trades} filename="t.csv" />);
    const pnlColumn = () =>
      within(screen.getByTestId('trades'))
        .getAllByRole('row')
        .slice(1)
        .map((row) => within(row).getAllByRole('cell')[6]!.textContent);
    expect(pnlColumn()).toEqual(['5', '-3', '12']);
    screen.getByRole('button', { name: 'Sort by PnL' }).focus();
    await user.keyboard('{Enter}');
    expect(pnlColumn()).toEqual(['-3', '5', '12']);
    expect(screen.getByRole('columnheader', { name: /PnL ▲/ })).toHaveAttribute('aria-sort', 'ascending');
    await user.keyboard('{Enter}');
    expect(pnlColumn()).toEqual(['12', '5', '-3']);
    expect(screen.getAllByText('Signal', { selector: 'td' })).toHaveLength(3);
  });

  it('writes the trades as CSV with ISO times', () => {
    const csv = tradesCsv(trades.slice(0, 1)).trim().split('\n');
    expect(csv[0]).toBe(
      'side,entry_time,entry_price,exit_time,exit_price,qty,pnl,pnl_pct,exit_reason,bars_held',
    );
    expect(csv[1]).toBe('long,2024-01-01T00:00:00.000Z,100,2024-01-02T00:00:00.000Z,101,1,5,5,signal,24');
  });
});
