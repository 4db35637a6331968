'use client';

import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';

import { THEME_COOKIE, type ThemeChoice } from './theme-choice';

export { isThemeChoice, THEMES, type ThemeChoice } from './theme-choice';

type ThemeState = {
  choice: ThemeChoice;
  /** What the page shows now: the choice, or the system's for `system`. */
  resolved: 'light' | 'dark';
  choose(choice: ThemeChoice): void;
};

const ThemeContext = createContext<ThemeState | null>(null);

const systemDark = () =>
  typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: dark)').matches
    : false;

/**
 * The colour theme. The choice is kept in a cookie (a year), so the server renders the page with
 * `data-theme` already set and nothing flashes; `system` leaves the attribute off and the CSS
 * follows `prefers-color-scheme`, also when the system changes while the page is open.
 */
export function ThemeProvider({ initial, children }: { initial: ThemeChoice; children: ReactNode }) {
  const [choice, setChoice] = useState<ThemeChoice>(initial);
  const [dark, setDark] = useState(() => (initial === 'system' ? systemDark() : initial === 'dark'));
  useEffect(() => {
    if (choice !== 'system') {
      setDark(choice === 'dark');
      return;
    }
    if (typeof window.matchMedia !== 'function') return;
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    setDark(query.matches);
    const onChange = () => setDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [choice]);
  const choose = useCallback((next: ThemeChoice) => {
    setChoice(next);
    const root = document.documentElement;
    if (next === 'system') delete root.dataset.theme;
    else root.dataset.theme = next;
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; SameSite=Lax`;
  }, []);
  return (
    <ThemeContext.Provider value={{ choice, resolved: dark ? 'dark' : 'light', choose }}>
      {children}
    </ThemeContext.Provider>
  );
}

export function useTheme(): ThemeState {
  return (
    useContext(ThemeContext) ?? {
      choice: 'system',
      resolved: 'light',
      choose: () => {},
    }
  );
}

/** The theme's colours for canvas drawings (charts), read from the CSS variables in globals.css. */
export function useChartColors() {
  const { resolved } = useTheme();
  const [colors, setColors] = useState(() => chartColors());
  // `resolved` changes after the attribute (or the system) did: read the variables again.
  useEffect(() => setColors(chartColors()), [resolved]);
  return colors;
}

function chartColors() {
  const fallback = {
    background: '#ffffff',
    text: '#1f2933',
    grid: '#eef1f4',
    up: '#0f7b4f',
    down: '#c62828',
    exit: '#374151',
    equity: '#1d4ed8',
    negative: '#b91c1c',
  };
  if (typeof window === 'undefined') return fallback;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, otherwise: string) => style.getPropertyValue(name).trim() || otherwise;
  return {
    background: read('--card', fallback.background),
    text: read('--fg', fallback.text),
    grid: read('--chart-grid', fallback.grid),
    up: read('--chart-up', fallback.up),
    down: read('--chart-down', fallback.down),
    exit: read('--chart-exit', fallback.exit),
    equity: read('--equity', fallback.equity),
    negative: read('--neg', fallback.negative),
  };
}

export type ChartColors = ReturnType<typeof chartColors>;
