'use client';

import { useI18n } from '@/lib/i18n';
import type { MarketDataState, PaperMarketData } from '@/lib/types';

/**
 * Where a paper account's prices come from: "Synthetic prices" (never market data, so it is said
 * wherever the account is shown) or the venue whose public market data it follows, and, from the
 * positions answer, whether that stream is down (then new orders are refused, and the badge says why).
 */
export function MarketDataBadge({
  source,
  status,
}: {
  source: PaperMarketData;
  status?: MarketDataState | undefined;
}) {
  const { t } = useI18n();
  return (
    <>
      <span
        className={`badge ${source === 'synthetic' ? 'synthetic' : 'market'}`}
        title={source === 'synthetic' ? t('md.syntheticTitle') : undefined}
        data-testid="market-data"
      >
        {t(`md.badge.${source}`)}
      </span>
      {status !== undefined && status.source === source && status.state !== 'up' ? (
        <span role="status" className="badge inactive" data-testid="market-data-state">
          {status.state === 'down' ? t('md.down', { reason: status.reason ?? '—' }) : t('md.connecting')}
        </span>
      ) : null}
    </>
  );
}
