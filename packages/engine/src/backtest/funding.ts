import { EngineErrors } from '../errors.ts';

/**
 * A perpetual swap's funding-rate history (docs/backtest-semantics.md, "Funding"): per funding
 * event its time, its rate and, when the venue reports it, the mark price it was settled at.
 * Columns, so the bar loop reads typed arrays.
 */
export type FundingSeries = {
  readonly length: number;
  /** Funding time, epoch ms UTC, strictly ascending. */
  readonly time: Float64Array;
  /** Rate per funding interval as a fraction (0.0001 = 0.01 %); positive: longs pay shorts. */
  readonly rate: Float64Array;
  /** Mark price of the settlement (quote currency); NaN when unknown (the bar's close is used). */
  readonly markPrice: Float64Array;
  /** Where the rates came from (a file path), for messages. */
  readonly source: string;
};

export type FundingRow = { time: number; rate: number; markPrice?: number | undefined };

/** The CSV `tradingbot data download --funding` writes and `tradingbot backtest --funding` reads. */
export const FUNDING_CSV_HEADER = 'time,rate,mark_price';

function bad(source: string, message: string, line?: number): never {
  throw EngineErrors.create('INVALID_BACKTEST_INPUT', {
    message: `${source}: ${message}`,
    details: { source, ...(line === undefined ? {} : { line }) },
  });
}

/** Builds a series from rows, checking finite rates and strictly ascending times. */
export function fundingSeries(rows: readonly FundingRow[], source = 'funding'): FundingSeries {
  const n = rows.length;
  const time = new Float64Array(n);
  const rate = new Float64Array(n);
  const markPrice = new Float64Array(n);
  rows.forEach((row, i) => {
    if (!Number.isFinite(row.time) || !Number.isFinite(row.rate)) {
      bad(source, `funding event ${i + 1} needs a finite time and rate`);
    }
    if (i > 0 && !(row.time > time[i - 1]!)) bad(source, `funding times must ascend (event ${i + 1})`);
    const mark = row.markPrice;
    if (mark !== undefined && !(mark > 0 && Number.isFinite(mark))) {
      bad(source, `mark price of event ${i + 1} must be a positive number`);
    }
    time[i] = row.time;
    rate[i] = row.rate;
    markPrice[i] = mark ?? NaN;
  });
  return { length: n, time, rate, markPrice, source };
}

/**
 * Reads the funding CSV (`time,rate,mark_price`; header required; mark_price may be empty) into a
 * series. Pure: the caller reads the file.
 */
export function parseFundingCsv(text: string, source = 'funding'): FundingSeries {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase();
  if (header !== FUNDING_CSV_HEADER) {
    bad(source, `the first line must be the header "${FUNDING_CSV_HEADER}" (got "${header ?? ''}")`, 1);
  }
  const rows: FundingRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const [t, r, m, extra] = line.split(',');
    const time = Number(t);
    const rate = Number(r);
    const mark = m === undefined || m.trim() === '' ? undefined : Number(m);
    if (extra !== undefined || !Number.isFinite(time) || !Number.isFinite(rate) || !t?.trim() || !r?.trim()) {
      bad(source, `line ${i + 1} is not time,rate,mark_price: "${line.slice(0, 80)}"`, i + 1);
    }
    rows.push({ time, rate, markPrice: mark });
  }
  return fundingSeries(rows, source);
}
