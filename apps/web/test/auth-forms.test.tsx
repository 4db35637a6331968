import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SignInForm, SignUpForm } from '@/components/AuthForms';
import { renderWithI18n } from './render';

const signIn = vi.fn();
const replace = vi.fn();
vi.mock('next-auth/react', () => ({ signIn: (...args: unknown[]) => signIn(...args) }));
vi.mock('@/lib/navigate', () => ({ hardNavigate: (url: string) => replace(url) }));

beforeEach(() => {
  signIn.mockReset();
  replace.mockReset();
});

describe('SignInForm', () => {
  it('reports every empty field next to it, and clears one once typed in', async () => {
    const user = userEvent.setup();
    renderWithI18n(<SignInForm />);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(signIn).not.toHaveBeenCalled();
    for (const label of ['Email', 'Password']) {
      expect(screen.getByLabelText(label)).toHaveAttribute('aria-invalid', 'true');
      expect(screen.getByLabelText(label)).toHaveAccessibleDescription('This field is required.');
    }
    expect(document.body.textContent).not.toContain('VALIDATION_FAILED');
    await user.type(screen.getByLabelText('Email'), 'a');
    expect(screen.getByLabelText('Email')).not.toHaveAttribute('aria-invalid');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
  });

  it('returns to the page asked for before the redirect', async () => {
    const user = userEvent.setup();
    signIn.mockResolvedValue({ ok: true, error: undefined });
    renderWithI18n(<SignInForm callbackUrl="/lab?x=1" />);
    await user.type(screen.getByLabelText('Email'), 'a@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(replace).toHaveBeenCalledWith('/lab?x=1');
  });

  it('tells a user who forgot the password to ask the operator', () => {
    renderWithI18n(<SignInForm />);
    expect(screen.getByText(/Ask the operator of this server to reset it/)).toBeInTheDocument();
  });

  it('signs in with the credentials and goes to the dashboard', async () => {
    const user = userEvent.setup();
    signIn.mockResolvedValue({ ok: true, error: undefined });
    renderWithI18n(<SignInForm />);
    await user.type(screen.getByLabelText('Email'), 'a@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(signIn).toHaveBeenCalledWith('credentials', {
      email: 'a@example.com',
      password: 'correct horse battery',
      redirect: false,
    });
    expect(replace).toHaveBeenCalledWith('/');
  });

  it("translates the API's refusal", async () => {
    const user = userEvent.setup();
    signIn.mockResolvedValue({ ok: false, error: 'CredentialsSignin', code: 'INVALID_CREDENTIALS' });
    renderWithI18n(<SignInForm />, 'ko');
    await user.type(screen.getByLabelText('이메일'), 'a@example.com');
    await user.type(screen.getByLabelText('비밀번호'), 'wrong');
    await user.click(screen.getByRole('button', { name: '로그인' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('이메일 또는 비밀번호가 올바르지 않습니다.');
    expect(replace).not.toHaveBeenCalled();
  });

  it('asks for the TOTP code after the password, then signs in with the challenge and the code', async () => {
    const user = userEvent.setup();
    signIn
      .mockResolvedValueOnce({ ok: false, error: 'CredentialsSignin', code: 'TOTP_REQUIRED:chal-123' })
      .mockResolvedValueOnce({ ok: false, error: 'CredentialsSignin', code: 'TOTP_INVALID' })
      .mockResolvedValueOnce({ ok: true, error: undefined });
    renderWithI18n(<SignInForm />);
    await user.type(screen.getByLabelText('Email'), 'a@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(
      await screen.findByText('Enter the 6-digit code from your authenticator app.'),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).toBeNull();
    await user.type(screen.getByLabelText('Authentication code'), '111111');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The code is wrong or was already used.');
    await user.click(screen.getByRole('button', { name: 'Use a recovery code instead' }));
    await user.type(screen.getByLabelText('Recovery code'), 'abcd-efgh-ijkm-npqr');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(signIn).toHaveBeenNthCalledWith(2, 'credentials', {
      challenge_token: 'chal-123',
      code: '111111',
      redirect: false,
    });
    expect(signIn).toHaveBeenNthCalledWith(3, 'credentials', {
      challenge_token: 'chal-123',
      recovery_code: 'abcd-efgh-ijkm-npqr',
      redirect: false,
    });
    expect(replace).toHaveBeenCalledWith('/');
  });

  it('goes back to the password when the challenge has expired', async () => {
    const user = userEvent.setup();
    signIn
      .mockResolvedValueOnce({ ok: false, error: 'CredentialsSignin', code: 'TOTP_REQUIRED:chal-9' })
      .mockResolvedValueOnce({ ok: false, error: 'CredentialsSignin', code: 'LOGIN_CHALLENGE_INVALID' });
    renderWithI18n(<SignInForm />, 'ko');
    await user.type(screen.getByLabelText('이메일'), 'a@example.com');
    await user.type(screen.getByLabelText('비밀번호'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: '로그인' }));
    await user.type(await screen.findByLabelText('인증 코드'), '123456');
    await user.click(screen.getByRole('button', { name: '확인' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('비밀번호를 다시 입력하세요');
    expect(screen.getByLabelText('비밀번호')).toBeInTheDocument();
  });

  it('explains an expired session', () => {
    renderWithI18n(<SignInForm notice="expired" />);
    expect(screen.getByRole('status')).toHaveTextContent('Your session has expired. Please sign in again.');
  });
});

describe('SignUpForm', () => {
  it('reports every empty required field, not only the password', async () => {
    const user = userEvent.setup();
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    renderWithI18n(<SignUpForm />, 'ko');
    await user.click(screen.getByRole('button', { name: '회원가입' }));
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(screen.getByLabelText('이메일')).toHaveAccessibleDescription('필수 항목입니다.');
    expect(screen.getByLabelText('비밀번호')).toHaveAttribute('aria-invalid', 'true');
    fetchSpy.mockRestore();
  });

  it("puts the API's email issue next to the email, translated", async () => {
    const user = userEvent.setup();
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(
        JSON.stringify({
          detail: 'body.email: Invalid email address',
          error: {
            code: 'VALIDATION_FAILED',
            message: 'body.email: Invalid email address',
            details: {
              issues: [
                { field: 'email', message: 'Invalid email address', code: 'invalid_format', format: 'email' },
              ],
            },
          },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      ),
    );
    renderWithI18n(<SignUpForm />);
    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Enter an email address, like name@example.com.')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(document.body.textContent).not.toContain('body.email');
    fetchSpy.mockRestore();
  });

  it("shows the password policy's verdict with the checker's hints", async () => {
    const user = userEvent.setup();
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(
        JSON.stringify({
          error: {
            code: 'WEAK_PASSWORD',
            message: 'The password is too easy to guess',
            details: {
              score: 0,
              warning: 'This is a commonly used password.',
              suggestions: ['Add more words.'],
            },
          },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      ),
    );
    renderWithI18n(<SignUpForm />, 'ko');
    await user.type(screen.getByLabelText('이메일'), 'a@example.com');
    await user.type(screen.getByLabelText('비밀번호'), 'password123');
    await user.click(screen.getByRole('button', { name: '회원가입' }));
    // The verdict sits under the password it is about.
    const password = screen.getByLabelText('비밀번호');
    await vi.waitFor(() => expect(password).toHaveAttribute('aria-invalid', 'true'));
    expect(password).toHaveAccessibleDescription(/추측하기 너무 쉬운 비밀번호입니다\./);
    expect(password).toHaveAccessibleDescription(/This is a commonly used password\. Add more words\./);
    expect(signIn).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('says the email may have an account when the password given does not sign in after registering', async () => {
    const user = userEvent.setup();
    const fetchSpy = vi
      .spyOn(globalThis, 'fetch')
      .mockResolvedValue(
        new Response('{}', { status: 201, headers: { 'content-type': 'application/json' } }),
      );
    signIn.mockResolvedValue({ ok: false, error: 'CredentialsSignin', code: 'INVALID_CREDENTIALS' });
    renderWithI18n(<SignUpForm />);
    await user.type(screen.getByLabelText('Email'), 'taken@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('If this email already has an account');
    expect(replace).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('checks the password length before calling the API', async () => {
    const user = userEvent.setup();
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    renderWithI18n(<SignUpForm />);
    await user.type(screen.getByLabelText('Email'), 'a@example.com');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(
      /The password must be at least 10 characters\./,
    );
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it("registers, shows the API's error message when refused", async () => {
    const user = userEvent.setup();
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(
        JSON.stringify({
          error: { code: 'EMAIL_TAKEN', message: 'An account with this email already exists' },
        }),
        {
          status: 409,
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    renderWithI18n(<SignUpForm />);
    await user.type(screen.getByLabelText('Email'), 'a@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('An account with this email already exists');
    expect(fetchSpy).toHaveBeenCalledWith(
      '/api/v1/auth/register',
      expect.objectContaining({ method: 'POST' }),
    );
    expect(signIn).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });
});
