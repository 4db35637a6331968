import type { CandleRow } from '../../src/download.ts';

/**
 * Hand-made 1-minute candles for the download tests: one-decimal prices (tick 0.1) and volumes in
 * steps of 0.125 (whole multiples of Binance's 0.001 step and, ×1000, of OKX's ctVal 0.01).
 */
export function handMadeMinuteCandles(count: number, start: number): CandleRow[] {
  return Array.from({ length: count }, (_, i) => {
    const open = 42000 + (i % 50) * 0.5;
    return {
      time: start + i * 60_000,
      open,
      high: open + 3.2,
      low: open - 1.1,
      close: open + 0.7,
      volume: 1 + (i % 7) * 0.125,
    };
  });
}

/** The CSV the downloader is expected to write for `rows`, spelled out by hand (not by the writer under test). */
export function expectedCandlesCsv(rows: CandleRow[]): string {
  return (
    [
      'time,open,high,low,close,volume',
      ...rows.map((c) => `${c.time},${c.open},${c.high},${c.low},${c.close},${c.volume}`),
    ].join('\n') + '\n'
  );
}
