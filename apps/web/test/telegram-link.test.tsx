import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TelegramLink } from '@/components/TelegramLink';
import { renderWithI18n } from './render';

vi.mock('next-auth/react', () => ({
  useSession: () => ({ data: { accessToken: 'session-token' } }),
  signOut: vi.fn(),
}));
vi.mock('@/lib/navigate', () => ({ hardNavigate: vi.fn() }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function fakeApi(routes: Record<string, (body: unknown) => Response>) {
  const calls: { route: string; body: unknown }[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const route = `${init?.method ?? 'GET'} ${String(input)}`;
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ route, body });
    const answer = routes[route];
    if (!answer) throw new Error(`unexpected ${route}`);
    return answer(body);
  });
  return calls;
}

afterEach(() => vi.restoreAllMocks());

const status = (linked: boolean, bot = true) => ({
  bot_configured: bot,
  linked,
  username: linked ? 'ann' : null,
  locale: linked ? 'ko' : null,
  linked_at: linked ? '2026-12-07T11:00:00.000Z' : null,
});

describe('TelegramLink', () => {
  it('asks for a code in the UI language and shows the deep link and the code; once linked, offers to unlink', async () => {
    const user = userEvent.setup();
    let linked = false;
    const calls = fakeApi({
      'GET /api/v1/notifications/telegram': () => json(status(linked)),
      'POST /api/v1/notifications/telegram/link': () =>
        json({
          code: 'AbCdEfGhIjKlMnOpQrStUv',
          bot_username: 'tb_bot',
          deep_link: 'https://t.me/tb_bot?start=AbCdEfGhIjKlMnOpQrStUv',
          expires_at: '2026-12-07T12:10:00.000Z',
        }),
      'DELETE /api/v1/notifications/telegram/link': () => {
        linked = false;
        return json({ success: true });
      },
    });
    renderWithI18n(<TelegramLink />, 'ko');
    await user.click(await screen.findByRole('button', { name: '텔레그램 연결' }));
    expect(calls.find((c) => c.route === 'POST /api/v1/notifications/telegram/link')?.body).toEqual({
      locale: 'ko',
    });
    expect(await screen.findByTestId('telegram-code')).toHaveTextContent('AbCdEfGhIjKlMnOpQrStUv');
    expect(screen.getByRole('link', { name: '텔레그램에서 @tb_bot 열기' })).toHaveAttribute(
      'href',
      'https://t.me/tb_bot?start=AbCdEfGhIjKlMnOpQrStUv',
    );
    // The bot received the code: the next check shows the link.
    linked = true;
    await user.click(screen.getByRole('button', { name: '다시 확인' }));
    expect(await screen.findByText('텔레그램 @ann 에 연결되었습니다.')).toBeInTheDocument();
    expect(screen.queryByTestId('telegram-code')).toBeNull();
    await user.click(screen.getByRole('button', { name: '연결 해제' }));
    expect(await screen.findByRole('button', { name: '텔레그램 연결' })).toBeInTheDocument();
  });

  it('says when the operator has set no bot, and offers no link', async () => {
    fakeApi({ 'GET /api/v1/notifications/telegram': () => json(status(false, false)) });
    renderWithI18n(<TelegramLink />);
    expect(await screen.findByText(/No Telegram bot is set up on this server/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Link Telegram' })).toBeNull();
  });
});
