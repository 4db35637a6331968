import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThemeSwitch } from '@/components/ThemeSwitch';
import { I18nProvider } from '@/lib/i18n';
import { ThemeProvider, useTheme } from '@/lib/theme';
import type { ThemeChoice } from '@/lib/theme-choice';

/** A matchMedia whose "dark" answer the test flips, telling its listeners like a browser would. */
function fakeSystem(dark: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    get matches() {
      return dark;
    },
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal(
    'matchMedia',
    vi.fn(() => query),
  );
  return {
    set(next: boolean) {
      dark = next;
      listeners.forEach((listener) => listener());
    },
  };
}

function Shown() {
  const { resolved } = useTheme();
  return <output data-testid="resolved">{resolved}</output>;
}

const ui = (initial: ThemeChoice) => (
  <I18nProvider initialLocale="en">
    <ThemeProvider initial={initial}>
      <ThemeSwitch />
      <Shown />
    </ThemeProvider>
  </I18nProvider>
);

afterEach(() => {
  vi.unstubAllGlobals();
  delete document.documentElement.dataset.theme;
  document.cookie = 'theme=; path=/; max-age=0';
});

describe('dark mode', () => {
  it('follows the system by default, also when it changes', () => {
    const system = fakeSystem(true);
    render(ui('system'));
    expect(screen.getByTestId('resolved')).toHaveTextContent('dark');
    expect(document.documentElement.dataset.theme).toBeUndefined();
    act(() => system.set(false));
    expect(screen.getByTestId('resolved')).toHaveTextContent('light');
  });

  it('keeps the chosen theme on the page and in a cookie for the next visit', async () => {
    fakeSystem(false);
    const user = userEvent.setup();
    render(ui('system'));
    await user.selectOptions(screen.getByLabelText('Colour theme'), 'dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(document.cookie).toContain('theme=dark');
    expect(screen.getByTestId('resolved')).toHaveTextContent('dark');
    await user.selectOptions(screen.getByLabelText('Colour theme'), 'system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(document.cookie).toContain('theme=system');
    expect(screen.getByTestId('resolved')).toHaveTextContent('light');
  });

  it('starts from the choice the server read from the cookie', () => {
    fakeSystem(false);
    render(ui('dark'));
    expect(screen.getByLabelText('Colour theme')).toHaveValue('dark');
    expect(screen.getByTestId('resolved')).toHaveTextContent('dark');
  });
});
