import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AccountForm } from '@/components/AccountForm';
import { SecretPanel } from '@/components/SecretPanel';
import { ApiError } from '@/lib/api';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({ useSession: () => ({ data: null }), signOut: vi.fn() }));

const created = {
  id: 'acc-1',
  exchange: 'paper' as const,
  label: '',
  testnet: true,
  is_active: true,
  created_at: '2026-01-01T00:00:00Z',
  webhook_secret_hint: 'abcd',
  webhook_secret: 'whsec_secret_value',
};

describe('AccountForm', () => {
  it('has the registration fields: exchange select, key, secret as password, testnet checked by default', () => {
    renderWithI18n(<AccountForm onSubmit={vi.fn()} />);
    const exchange = screen.getByLabelText('Exchange');
    expect(exchange).toHaveValue('binance');
    expect(screen.getAllByRole('option').map((o) => o.getAttribute('value'))).toEqual([
      'binance',
      'okx',
      'bybit',
      'paper',
    ]);
    expect(screen.getByRole('option', { name: 'Bybit (USDT perpetual)' })).toBeInTheDocument();
    expect(screen.getByLabelText('API key')).toHaveAttribute('type', 'text');
    expect(screen.getByLabelText('Secret key')).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText('Use testnet (recommended)')).toBeChecked();
    expect(screen.queryByLabelText('Passphrase')).not.toBeInTheDocument();
  });

  it('explains Ed25519 keys for Binance only', async () => {
    const user = userEvent.setup();
    renderWithI18n(<AccountForm onSubmit={vi.fn()} />);
    expect(screen.getByText(/openssl genpkey -algorithm ed25519/)).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Exchange'), 'bybit');
    expect(screen.queryByText(/openssl genpkey/)).not.toBeInTheDocument();
  });

  it('shows the passphrase only for OKX', async () => {
    const user = userEvent.setup();
    renderWithI18n(<AccountForm onSubmit={vi.fn()} />);
    await user.selectOptions(screen.getByLabelText('Exchange'), 'okx');
    expect(screen.getByLabelText('Passphrase')).toHaveAttribute('type', 'password');
    await user.selectOptions(screen.getByLabelText('Exchange'), 'paper');
    expect(screen.queryByLabelText('Passphrase')).not.toBeInTheDocument();
  });

  it('refuses empty required fields without calling the API', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn();
    renderWithI18n(<AccountForm onSubmit={onSubmit} />);
    await user.selectOptions(screen.getByLabelText('Exchange'), 'okx');
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getAllByText('This field is required.')).toHaveLength(3);
    expect(screen.getByLabelText('API key')).toHaveAttribute('aria-invalid', 'true');
  });

  it('submits the fields (passphrase only for OKX) and the testnet choice', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn().mockResolvedValue(created);
    renderWithI18n(<AccountForm onSubmit={onSubmit} />);
    await user.selectOptions(screen.getByLabelText('Exchange'), 'paper');
    await user.type(screen.getByLabelText('API key'), 'my-key');
    await user.type(screen.getByLabelText('Secret key'), 'my-secret');
    await user.click(screen.getByLabelText('Use testnet (recommended)'));
    expect(screen.getByText('Mainnet trades real money.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    expect(onSubmit).toHaveBeenCalledWith({
      exchange: 'paper',
      api_key: 'my-key',
      api_secret: 'my-secret',
      testnet: false,
    });
    // Cleared after success: the secret does not linger in the form.
    expect(screen.getByLabelText('Secret key')).toHaveValue('');
  });

  it("shows the API's error message", async () => {
    const user = userEvent.setup();
    const onSubmit = vi
      .fn()
      .mockRejectedValue(
        new ApiError('VALIDATION_FAILED', 'body.api_key: a Binance API key is 64 letters and digits', 400),
      );
    renderWithI18n(<AccountForm onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText('API key'), 'short');
    await user.type(screen.getByLabelText('Secret key'), 'short');
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('a Binance API key is 64 letters and digits');
    expect(screen.getByLabelText('API key')).toHaveValue('short');
  });

  it('speaks Korean', () => {
    renderWithI18n(<AccountForm onSubmit={vi.fn()} />, 'ko');
    expect(screen.getByLabelText('테스트넷 사용 (권장)')).toBeChecked();
    expect(screen.getByLabelText('시크릿 키')).toHaveAttribute('type', 'password');
  });
});

describe('SecretPanel', () => {
  it('renders the secret only after an explicit reveal', async () => {
    const user = userEvent.setup();
    renderWithI18n(<SecretPanel accountId="acc-1" secret="whsec_secret_value" onDone={vi.fn()} />);
    expect(screen.queryByText('whsec_secret_value')).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain('whsec_secret_value');
    await user.click(screen.getByRole('button', { name: 'Reveal' }));
    expect(screen.getByText('whsec_secret_value')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Hide' }));
    expect(screen.queryByText('whsec_secret_value')).not.toBeInTheDocument();
  });
});
