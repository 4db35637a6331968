import type { LabRun } from '@/lib/types';

/** A backtest request as the lab sends it (`POST /backtests`), which `POST /lab/runs` saves with a name. */
export type BacktestRequest = {
  strategy: string;
  params: Record<string, number>;
  options: Record<string, unknown>;
  data: Record<string, unknown>;
};

/** A saved run's data in a few words: "Sample · 4h", "mine.csv", "binance BTCUSDT 1h". */
export function describeRunData(data: LabRun['data'], sampleLabel: string): string {
  const tf = data.timeframe ? ` · ${data.timeframe}` : '';
  if (data.source === 'sample') return `${sampleLabel}${tf}`;
  if (data.source === 'csv') return `${data.name ?? 'CSV'}${tf}`;
  return `${data.exchange ?? ''} ${data.symbol ?? ''} ${data.timeframe ?? ''}`.trim();
}
