/**
 * The decision rule of docs/backtest-semantics.md ("Signals"), for live use: what to do at a bar's
 * close given the four signals and the position held. The backtester inlines the same rule in its
 * hot loop; a test replays real data through both and requires the same trades.
 */
export type SignalValues = { longEntry: boolean; longExit: boolean; shortEntry: boolean; shortExit: boolean };
export type Direction = 'both' | 'long' | 'short';
export type PositionState = 'flat' | 'long' | 'short';
/** The webhook action that carries the decision to an exchange (a reversal is an entry of the other side). */
export type LiveAction = 'long' | 'short' | 'close_long' | 'close_short';

export function decide(
  signals: SignalValues,
  position: PositionState,
  direction: Direction = 'both',
): LiveAction | null {
  const longSignal = signals.longEntry && !signals.shortEntry;
  const shortSignal = signals.shortEntry && !signals.longEntry;
  const allowLong = direction !== 'short';
  const allowShort = direction !== 'long';
  if (position === 'long') {
    if (shortSignal && allowShort) return 'short';
    if (signals.longExit || shortSignal) return 'close_long';
    return null;
  }
  if (position === 'short') {
    if (longSignal && allowLong) return 'long';
    if (signals.shortExit || longSignal) return 'close_short';
    return null;
  }
  if (longSignal && allowLong) return 'long';
  if (shortSignal && allowShort) return 'short';
  return null;
}

/** The position after an action fills. */
export function positionAfter(action: LiveAction | null, position: PositionState): PositionState {
  if (action === 'long') return 'long';
  if (action === 'short') return 'short';
  if (action === 'close_long' || action === 'close_short') return 'flat';
  return position;
}
