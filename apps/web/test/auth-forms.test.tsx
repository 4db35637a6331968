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

  it('explains an expired session', () => {
    renderWithI18n(<SignInForm notice="expired" />);
    expect(screen.getByRole('status')).toHaveTextContent('Your session has expired. Please sign in again.');
  });
});

describe('SignUpForm', () => {
  it('checks the password length before calling the API', async () => {
    const user = userEvent.setup();
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    renderWithI18n(<SignUpForm />);
    await user.type(screen.getByLabelText('Email'), 'a@example.com');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByRole('alert')).toHaveTextContent('at least 10 characters');
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
