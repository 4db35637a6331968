import { screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { describeSource, timeframeLabel } from '@/app/(app)/lab/LabResults';
import NotFound from '@/app/not-found';
import { AuthFrame } from '@/components/AuthForms';
import { SecretPanel } from '@/components/SecretPanel';
import { Json } from '@/components/ui';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({ useSession: () => ({ data: null }), signOut: vi.fn(), signIn: vi.fn() }));
vi.mock('next/navigation', () => ({ useRouter: () => ({ refresh: vi.fn() }) }));

describe('navigation and polish', () => {
  it('moves the focus to a newly registered account, so Reveal is one Tab away', () => {
    renderWithI18n(<SecretPanel accountId="acc-1" secret="whsec_secret_value" onDone={vi.fn()} />);
    expect(document.activeElement).toBe(
      screen.getByRole('heading', { name: /Webhook secret for account acc-1/ }),
    );
  });

  it('has a branded 404 with one main landmark, a heading and a way back', () => {
    renderWithI18n(<NotFound />, 'ko');
    expect(screen.getAllByRole('main')).toHaveLength(1);
    expect(screen.getByRole('heading', { level: 1, name: '페이지를 찾을 수 없습니다' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '대시보드로 가기' })).toHaveAttribute('href', '/');
    expect(screen.getByText('TradingBot AI')).toBeInTheDocument();
  });

  it('says on the first page what the product is', () => {
    renderWithI18n(
      <AuthFrame title="Sign in">
        <p>form</p>
      </AuthFrame>,
    );
    expect(screen.getByRole('heading', { name: 'Your TradingView alerts, executed' })).toBeInTheDocument();
    expect(screen.getByText(/turns TradingView strategy alerts into futures orders/)).toBeInTheDocument();
  });

  it('makes a scrolling JSON box reachable by keyboard', () => {
    renderWithI18n(<Json value={{ a: 1 }} />);
    expect(screen.getByText(/"a": 1/)).toHaveAttribute('tabindex', '0');
  });

  it('names timeframes as traders do and drops the source’s own timeframe', () => {
    expect([60_000, 900_000, 3_600_000, 14_400_000, 86_400_000, 604_800_000].map(timeframeLabel)).toEqual([
      '1m',
      '15m',
      '1h',
      '4h',
      '1d',
      '1w',
    ]);
    expect(describeSource('synthetic:seed=42,timeframe=1h')).toBe('synthetic:seed=42');
    expect(describeSource('sample')).toBe('sample');
  });
});
