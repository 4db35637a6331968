import { describe, expect, it } from 'vitest';
import { retryOnDeadlock } from '../src/services/lab-queue.ts';

/** An error as `pg` reports PostgreSQL's: the SQLSTATE in `code`. */
const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('retryOnDeadlock (two processes creating the lab queue at once)', () => {
  it('tries again when PostgreSQL made the step a deadlock victim (40P01), and returns its result', async () => {
    let calls = 0;
    const result = await retryOnDeadlock(async () => {
      calls++;
      if (calls < 3) throw pgError('40P01');
      return 'created';
    });
    expect([result, calls]).toEqual(['created', 3]);
  });

  it('throws any other error at once, and a deadlock after the last try', async () => {
    let calls = 0;
    await expect(
      retryOnDeadlock(async () => {
        calls++;
        throw pgError('42P01');
      }),
    ).rejects.toThrow('pg 42P01');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryOnDeadlock(async () => {
        calls++;
        throw pgError('40P01');
      }, 3),
    ).rejects.toThrow('pg 40P01');
    expect(calls).toBe(3);
  });
});
