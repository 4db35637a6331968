'use client';

import { useI18n } from '@/lib/i18n';
import { isThemeChoice, THEMES, useTheme } from '@/lib/theme';

/** System / light / dark; kept in a cookie, so every page and the next visit follow it. */
export function ThemeSwitch() {
  const { t } = useI18n();
  const { choice, choose } = useTheme();
  return (
    <label className="lang">
      <span className="sr-only">{t('theme.label')}</span>
      <select
        aria-label={t('theme.label')}
        value={choice}
        data-testid="theme-switch"
        onChange={(event) => {
          if (isThemeChoice(event.target.value)) choose(event.target.value);
        }}
      >
        {THEMES.map((theme) => (
          <option key={theme} value={theme}>
            {t(`theme.${theme}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
