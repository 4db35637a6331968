import type { ServerEventBus } from '../events.ts';

/**
 * After each signal, its account's paper venue state is stored (a no-op for live venues), so a
 * paper account loses nothing when its venue is dropped or the server stops.
 */
export function registerPaperStateListener(
  events: ServerEventBus,
  deps: { persist(accountId: string): Promise<void> },
): void {
  events.on('signal.finished', async (event) => {
    if (event.exchange === 'paper') await deps.persist(event.accountId);
  });
}
