/** The user's colour theme choice: follow the system (default), or always light or dark. */
export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];
/** The cookie the choice is kept in (read by the root layout to render `data-theme`). */
export const THEME_COOKIE = 'theme';

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}
