import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { I18nProvider } from '@/lib/i18n';
import type { Locale } from '@/lib/messages';

export function renderWithI18n(ui: ReactElement, locale: Locale = 'en') {
  return render(<I18nProvider initialLocale={locale}>{ui}</I18nProvider>);
}
