import { describe, expect, it } from 'vitest';
import { parseEventStream } from '../src/lib/live-events';

describe('the live events parser (text/event-stream)', () => {
  it('returns complete events and keeps a partial frame for the next chunk', () => {
    const chunk =
      'retry: 3000\n: connected\n\n' +
      'id: 1\nevent: fill\ndata: {"accountId":"a1","reason":"stop_loss"}\n\n' +
      ': ping\n\n' +
      'id: 2\nevent: position\ndata: {"accountId":"a1",';
    const first = parseEventStream(chunk);
    expect(first.events).toEqual([{ event: 'fill', data: { accountId: 'a1', reason: 'stop_loss' } }]);
    const second = parseEventStream(first.rest + '"qty":"0"}\n\n');
    expect(second.events).toEqual([{ event: 'position', data: { accountId: 'a1', qty: '0' } }]);
    expect(second.rest).toBe('');
  });

  it('skips a frame whose data is not JSON', () => {
    expect(parseEventStream('event: fill\ndata: {oops\n\n').events).toEqual([]);
  });
});
