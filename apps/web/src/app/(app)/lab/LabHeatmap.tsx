'use client';

import { useI18n } from '@/lib/i18n';
import type { OptimizationJob, StrategyDecl } from '@/lib/types';
import { rangeValues } from './search-space';

type OptimizationResult = NonNullable<OptimizationJob['result']>;
type Axis = { name: string; values: number[] };
export type Heatmap = {
  x: Axis;
  y: Axis;
  /** Score by `${x}|${y}`; absent: not tested (not allowed by the constraints, or not sampled). */
  scores: Map<string, number | null>;
  best: { x: number; y: number } | null;
  low: number;
  high: number;
};

const cellKey = (x: number, y: number) => `${x}|${y}`;

/**
 * The heatmap of an optimization that searched exactly two parameters (the others fixed): one axis
 * per searched parameter over its grid values, each cell the score of that set. Null otherwise.
 */
export function heatmapOf(result: OptimizationResult): Heatmap | null {
  if (!result.space || !result.scores) return null;
  const searched = Object.entries(result.space).filter(([, range]) => range.max > range.min);
  if (searched.length !== 2) return null;
  const [x, y] = searched.map(([name, range]) => ({ name, values: rangeValues(range) })) as [Axis, Axis];
  const scores = new Map<string, number | null>();
  let best: Heatmap['best'] = null;
  let bestScore = -Infinity;
  let low = Infinity;
  let high = -Infinity;
  for (const { params, score } of result.scores) {
    const xv = params[x.name];
    const yv = params[y.name];
    if (xv === undefined || yv === undefined) continue;
    scores.set(cellKey(xv, yv), score);
    if (score === null) continue;
    low = Math.min(low, score);
    high = Math.max(high, score);
    if (score > bestScore) {
      bestScore = score;
      best = { x: xv, y: yv };
    }
  }
  return { x, y, scores, best, low, high };
}

/**
 * A cell's tint: green above the middle of the scores, red below, stronger further out (at most 45 %
 * over the card, so the value written in it stays readable in both themes).
 */
function tint(score: number | null, low: number, high: number): string | undefined {
  if (score === null || !(high > low)) return undefined;
  const position = (score - low) / (high - low);
  const strength = Math.round(Math.abs(position - 0.5) * 2 * 45);
  const colour = position >= 0.5 ? 'var(--pos)' : 'var(--neg)';
  return `color-mix(in srgb, ${colour} ${strength}%, var(--card))`;
}

/** The two searched parameters as a table of scores, coloured by score, every value written in its cell. */
export function LabHeatmap({
  heatmap,
  strategy,
  objectiveLabel,
}: {
  heatmap: Heatmap;
  strategy: StrategyDecl;
  objectiveLabel: string;
}) {
  const { t, num, locale } = useI18n();
  const label = (name: string) => strategy.params.find((p) => p.name === name)?.label[locale] ?? name;
  const { x, y, scores, best, low, high } = heatmap;
  return (
    <>
      <h3 id="heatmap-title">{t('lab.heatmap')}</h3>
      <p className="muted small">{t('lab.heatmapHint', { objective: objectiveLabel })}</p>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="heatmap-title">
        <table className="heatmap" data-testid="heatmap">
          <thead>
            <tr>
              <th scope="col">
                {label(y.name)} ↓ · {label(x.name)} →
              </th>
              {x.values.map((xv) => (
                <th scope="col" key={xv}>
                  {num(xv, 4)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {y.values.map((yv) => (
              <tr key={yv}>
                <th scope="row">{num(yv, 4)}</th>
                {x.values.map((xv) => {
                  const key = cellKey(xv, yv);
                  const tested = scores.has(key);
                  const score = scores.get(key) ?? null;
                  const isBest = best !== null && best.x === xv && best.y === yv;
                  return (
                    <td
                      key={xv}
                      style={{ background: tint(score, low, high) }}
                      title={t('lab.heatmapCell', {
                        x: label(x.name),
                        xv: num(xv, 4),
                        y: label(y.name),
                        yv: num(yv, 4),
                        score: tested ? num(score, 3) : '—',
                      })}
                      data-best={isBest || undefined}
                    >
                      {isBest ? (
                        <strong>
                          <span aria-hidden="true">★ </span>
                          <span className="sr-only">{t('lab.heatmapBest')} </span>
                          {num(score, 3)}
                        </strong>
                      ) : tested ? (
                        num(score, 3)
                      ) : (
                        '—'
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
