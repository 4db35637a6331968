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
    await user.selectOptions(screen.getByLabelText('Exchange'), 'okx');
    await user.type(screen.getByLabelText('API key'), 'my-key');
    await user.type(screen.getByLabelText('Secret key'), 'my-secret');
    await user.type(screen.getByLabelText('Passphrase'), 'my-pass');
    await user.click(screen.getByLabelText('Use testnet (recommended)'));
    expect(screen.getByText('Mainnet trades real money.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    expect(onSubmit).toHaveBeenCalledWith({
      exchange: 'okx',
      api_key: 'my-key',
      api_secret: 'my-secret',
      passphrase: 'my-pass',
      testnet: false,
      verify_keys: true,
    });
    // Cleared after success: the secret does not linger in the form.
    expect(screen.getByLabelText('Secret key')).toHaveValue('');
  });

  it('asks a paper account for no keys and says what paper trading is', async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn().mockResolvedValue(created);
    renderWithI18n(<AccountForm onSubmit={onSubmit} />);
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    expect(screen.getAllByText('This field is required.')).toHaveLength(2);
    await user.selectOptions(screen.getByLabelText('Exchange'), 'paper');
    // The old errors went with the old exchange, and so did the key fields and the testnet box.
    expect(screen.queryByText('This field is required.')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('API key')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Secret key')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Use testnet (recommended)')).not.toBeInTheDocument();
    expect(
      screen.getByText(/Paper trading runs your alerts against a simulated exchange/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Exchange')).toHaveAccessibleDescription(/No API keys are needed/);
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    // Synthetic prices unless the user picks a venue's market data.
    expect(onSubmit).toHaveBeenCalledWith({ exchange: 'paper', market_data: 'synthetic' });
  });

  it('lets a paper account follow Binance or OKX public market data, and marks the field the API refused', async () => {
    const user = userEvent.setup();
    const onSubmit = vi
      .fn()
      .mockResolvedValueOnce({ ...created, market_data: 'okx' })
      .mockRejectedValueOnce(
        new ApiError('VALIDATION_FAILED', 'body.market_data: Invalid option', 400, {
          issues: [{ field: 'market_data', code: 'invalid_value', message: 'Invalid option' }],
        }),
      );
    renderWithI18n(<AccountForm onSubmit={onSubmit} />);
    expect(screen.queryByLabelText('Market data')).not.toBeInTheDocument(); // live venues trade their own market
    await user.selectOptions(screen.getByLabelText('Exchange'), 'paper');
    const source = screen.getByLabelText('Market data');
    expect(source).toHaveValue('synthetic');
    expect(source).toHaveAccessibleDescription(/stream is down, new orders are refused/);
    expect([...(source as HTMLSelectElement).options].map((o) => [o.value, o.textContent])).toEqual([
      ['synthetic', 'Synthetic feed (offline, not real prices)'],
      ['binance', 'Binance public market data (real prices, no keys)'],
      ['okx', 'OKX public market data (real prices, no keys)'],
    ]);
    await user.selectOptions(source, 'okx');
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    expect(onSubmit).toHaveBeenLastCalledWith({ exchange: 'paper', market_data: 'okx' });
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    expect(await screen.findByLabelText('Market data')).toHaveAttribute('aria-invalid', 'true');
  });

  it("puts the API's validation issues next to their fields, translated, and clears one on change", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError('VALIDATION_FAILED', 'body.api_key: a Binance API key is 64 letters and digits', 400, {
        issues: [
          { field: 'api_key', message: 'a Binance API key is 64 letters and digits', code: 'custom' },
          { field: 'label', message: 'Too big', code: 'too_big', maximum: 64, origin: 'string' },
        ],
      }),
    );
    renderWithI18n(<AccountForm onSubmit={onSubmit} />, 'ko');
    await user.type(screen.getByLabelText('API 키'), 'short');
    await user.type(screen.getByLabelText('시크릿 키'), 'short');
    await user.click(screen.getByRole('button', { name: '계정 등록' }));
    const key = screen.getByLabelText('API 키');
    expect(key).toHaveAttribute('aria-invalid', 'true');
    expect(key).toHaveAccessibleDescription(
      '바이낸스 API 키는 영문자와 숫자 64자입니다 — 바이낸스에서 다시 복사하세요.',
    );
    expect(screen.getByLabelText('이름표 (선택)')).toHaveAccessibleDescription(
      '최대 64자까지 입력할 수 있습니다.',
    );
    // Every issue found its field: no raw banner with the English message and the code.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain('VALIDATION_FAILED');
    await user.type(key, 'x');
    expect(key).not.toHaveAttribute('aria-invalid');
    expect(key).not.toHaveAccessibleDescription();
    expect(screen.getByLabelText('이름표 (선택)')).toHaveAttribute('aria-invalid', 'true');
  });

  it("shows an error that is not about a field in the form's banner", async () => {
    const user = userEvent.setup();
    const onSubmit = vi
      .fn()
      .mockRejectedValue(new ApiError('ACCOUNT_LIMIT_REACHED', 'You hold 10 accounts', 409));
    renderWithI18n(<AccountForm onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText('API key'), 'short');
    await user.type(screen.getByLabelText('Secret key'), 'short');
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You hold 10 accounts');
    expect(screen.getByLabelText('API key')).toHaveValue('short');
  });

  it("explains the venue's refusal of the keys as an error", async () => {
    const user = userEvent.setup();
    const onSubmit = vi.fn().mockRejectedValue(
      new ApiError('ACCOUNT_KEYS_REJECTED', 'The exchange refused these API keys', 400, {
        reason: 'ip_not_allowed',
        venue_code: '50110',
      }),
    );
    renderWithI18n(<AccountForm onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText('API key'), 'k'.repeat(64));
    await user.type(screen.getByLabelText('Secret key'), 's'.repeat(64));
    await user.click(screen.getByRole('button', { name: 'Register account' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveClass('error');
    expect(alert).toHaveTextContent("this server's IP address is not on the key's IP whitelist");
  });

  it('offers to save without the check when the venue cannot be reached', async () => {
    const user = userEvent.setup();
    const onSubmit = vi
      .fn()
      .mockRejectedValueOnce(
        new ApiError('VENUE_UNREACHABLE', 'unreachable', 502, {
          can_save_anyway: true,
          code: 'EXCHANGE_UNAVAILABLE',
        }),
      )
      .mockResolvedValueOnce({ ...created, exchange: 'binance', keys_check: 'unreachable' });
    renderWithI18n(<AccountForm onSubmit={onSubmit} />, 'ko');
    await user.type(screen.getByLabelText('API 키'), 'k'.repeat(64));
    await user.type(screen.getByLabelText('시크릿 키'), 's'.repeat(64));
    await user.click(screen.getByRole('button', { name: '계정 등록' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('거래소에 연결할 수 없습니다');
    await user.click(screen.getByRole('button', { name: '확인 없이 저장' }));
    expect(onSubmit).toHaveBeenLastCalledWith(
      expect.objectContaining({ verify_keys: true, save_if_unreachable: true, api_key: 'k'.repeat(64) }),
    );
    expect(await screen.findByText(/키를 확인하지 않고 저장했습니다/)).toBeInTheDocument();
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
