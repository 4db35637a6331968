import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PasswordSection } from '@/app/(app)/settings/security/PasswordSection';
import { SessionsSection } from '@/app/(app)/settings/security/SessionsSection';
import { secondFactor, TotpSection } from '@/app/(app)/settings/security/TotpSection';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'session-token' } }),
  signOut: vi.fn(),
}));
vi.mock('@/lib/navigate', () => ({ hardNavigate: vi.fn() }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fake API answering by method and path, recording every call. */
function fakeApi(routes: Record<string, (body: unknown) => Response>) {
  const calls: { route: string; body: unknown; headers: Record<string, string> }[] = [];
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const route = `${init?.method ?? 'GET'} ${String(input)}`;
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ route, body, headers: (init?.headers ?? {}) as Record<string, string> });
    const answer = routes[route];
    if (!answer) throw new Error(`unexpected ${route}`);
    return answer(body);
  });
  return { calls, spy };
}

afterEach(() => vi.restoreAllMocks());

describe('TotpSection', () => {
  it('enrols: shows the QR code and key, turns on with a code, then shows the recovery codes once', async () => {
    const user = userEvent.setup();
    let enabled = false;
    const codes = Array.from({ length: 10 }, (_, i) => `code-${i}000-aaaa-bbbb`);
    const { calls } = fakeApi({
      'GET /api/v1/auth/totp': () => json({ enabled, recovery_codes_left: enabled ? 10 : 0 }),
      'POST /api/v1/auth/totp/enroll': () =>
        json({ secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr_code_svg: '<svg></svg>' }),
      'POST /api/v1/auth/totp/confirm': () => {
        enabled = true;
        return json({ recovery_codes: codes });
      },
    });
    renderWithI18n(<TotpSection />);
    await user.click(await screen.findByRole('button', { name: 'Set up two-factor authentication' }));
    const qr = await screen.findByAltText('QR code for your authenticator app');
    expect(qr.getAttribute('src')).toBe(`data:image/svg+xml;utf8,${encodeURIComponent('<svg></svg>')}`);
    expect(screen.getByTestId('totp-secret')).toHaveTextContent('JBSWY3DPEHPK3PXP');
    await user.type(screen.getByLabelText('Authentication code'), ' 123456 ');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const panel = await screen.findByRole('region', { name: 'Recovery codes' });
    expect(within(panel).getAllByRole('listitem')).toHaveLength(10);
    expect(calls.find((call) => call.route === 'POST /api/v1/auth/totp/confirm')?.body).toEqual({
      code: '123456',
    });
    expect(await screen.findByText('10 unused recovery codes.')).toBeInTheDocument();
    await user.click(within(panel).getByRole('button', { name: 'I have saved them' }));
    expect(screen.queryByRole('region', { name: 'Recovery codes' })).toBeNull();
  });

  it('sends six digits as a code and anything else as a recovery code', () => {
    expect(secondFactor(' 123456 ')).toEqual({ code: '123456' });
    expect(secondFactor('abcd-efgh-ijkm-npqr')).toEqual({ recovery_code: 'abcd-efgh-ijkm-npqr' });
  });
});

describe('SessionsSection', () => {
  it('lists the sessions with this one marked, and signs another out', async () => {
    const user = userEvent.setup();
    const session = (id: string, current: boolean, agent: string | null) => ({
      id,
      created_at: '2026-01-01T00:00:00Z',
      last_seen_at: '2026-01-02T00:00:00Z',
      expires_at: '2026-02-01T00:00:00Z',
      user_agent: agent,
      ip: '10.0.0.1',
      current,
    });
    let sessions = [session('s1', true, 'Firefox'), session('s2', false, null)];
    const { calls } = fakeApi({
      'GET /api/v1/auth/sessions': () => json({ sessions }),
      'DELETE /api/v1/auth/sessions/s2': () => {
        sessions = sessions.filter((s) => s.id !== 's2');
        return json({ success: true });
      },
    });
    renderWithI18n(<SessionsSection />);
    const mine = await screen.findByTestId('session-s1');
    expect(mine).toHaveTextContent('Firefox');
    expect(mine).toHaveTextContent('This session');
    expect(within(mine).queryByRole('button', { name: 'Sign out' })).toBeNull();
    const other = screen.getByTestId('session-s2');
    expect(other).toHaveTextContent('Unknown device');
    await user.click(within(other).getByRole('button', { name: 'Sign out' }));
    expect(calls.some((call) => call.route === 'DELETE /api/v1/auth/sessions/s2')).toBe(true);
    await vi.waitFor(() => expect(screen.queryByTestId('session-s2')).toBeNull());
  });
});

describe('PasswordSection', () => {
  it('marks every empty field, and puts a wrong current password next to it, translated', async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      'POST /api/v1/auth/password': () =>
        json(
          {
            detail: 'The current password is wrong',
            error: { code: 'CURRENT_PASSWORD_WRONG', message: 'The current password is wrong' },
          },
          403,
        ),
    });
    renderWithI18n(<PasswordSection />, 'ko');
    await user.click(screen.getByRole('button', { name: '비밀번호 변경' }));
    expect(api.calls).toHaveLength(0);
    expect(screen.getByLabelText('현재 비밀번호')).toHaveAccessibleDescription('필수 항목입니다.');
    expect(screen.getByLabelText('새 비밀번호')).toHaveAttribute('aria-invalid', 'true');
    await user.type(screen.getByLabelText('현재 비밀번호'), 'not the password');
    await user.type(screen.getByLabelText('새 비밀번호'), 'a much longer new password');
    await user.click(screen.getByRole('button', { name: '비밀번호 변경' }));
    await vi.waitFor(() =>
      expect(screen.getByLabelText('현재 비밀번호')).toHaveAccessibleDescription(
        '현재 비밀번호가 틀렸습니다.',
      ),
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    api.spy.mockRestore();
  });
});
