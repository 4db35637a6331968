import { describe, expect, it } from 'vitest';
import { AccountQueue } from '../src/index.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AccountQueue', () => {
  it('runs one account one task at a time, in arrival order, other accounts in parallel', async () => {
    const queue = new AccountQueue();
    const log: string[] = [];
    let running = 0;
    let maxRunningA = 0;
    const task = (account: string, name: string, ms: number) =>
      queue.run(account, async () => {
        if (account === 'a') maxRunningA = Math.max(maxRunningA, ++running);
        log.push(`start ${name}`);
        await tick(ms);
        log.push(`end ${name}`);
        if (account === 'a') running--;
        return name;
      });
    const results = await Promise.all([
      task('a', 'a1', 30),
      task('a', 'a2', 5),
      task('b', 'b1', 10),
      task('a', 'a3', 1),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1', 'a3']);
    expect(maxRunningA).toBe(1);
    expect(log.filter((l) => l.includes(' a'))).toEqual([
      'start a1',
      'end a1',
      'start a2',
      'end a2',
      'start a3',
      'end a3',
    ]);
    // b ran while a1 was still running.
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
    expect(queue.pending('a')).toBe(0);
  });

  it('keeps going after a failing task and passes the failure to its caller', async () => {
    const queue = new AccountQueue();
    const failing = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await queue.drain();
    expect(queue.pending('a')).toBe(0);
  });
});
