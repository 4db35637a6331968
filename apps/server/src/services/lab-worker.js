// Lab worker-thread entry (piscina loads it): workers do not inherit the parent's TypeScript
// loader, so register tsx here, as the engine's optimizer workers do.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

register();
const { LAB_THREAD_NICE } = await import('./lab-pool.ts');
// Linux keeps a nice value per thread: this thread's id is the last part of /proc/thread-self, and
// setpriority on it lowers this thread alone (man 2 setpriority, "the nice value is a per-thread
// attribute"), so the event loop thread gets the CPU first. Elsewhere the lab runs at the same priority.
try {
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, LAB_THREAD_NICE);
} catch {
  // not Linux, or not permitted: the same priority as the server
}
const { runLabTask } = await import('./lab-worker-main.ts');
export default runLabTask;
