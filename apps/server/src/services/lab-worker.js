// Lab worker-thread entry (piscina loads it): workers do not inherit the parent's TypeScript
// loader, so register tsx here, as the engine's optimizer workers do.
import { register } from 'tsx/esm/api';

register();
const { runLabTask } = await import('./lab-worker-main.ts');
export default runLabTask;
