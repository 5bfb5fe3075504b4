import { describe, expect, it } from 'vitest';
import { streamToNode } from '../../src/http/streams.js';

describe('streamToNode', () => {
  function response(destroyed: boolean) {
    const written: string[] = [];
    const listeners: (() => void)[] = [];
    return {
      written,
      close: () => listeners.forEach((listener) => listener()),
      target: { destroyed, flushHeaders: () => undefined, write: (chunk: string) => written.push(chunk), end: () => written.push('<end>'), once: (_: 'close', listener: () => void) => listeners.push(listener) },
    };
  }

  it('stops the stream when the client has already gone before it opened (its close event is past)', () => {
    let stopped = 0;
    const gone = response(true);
    streamToNode({ open: (sink) => (sink.write('hello'), () => void stopped++) }, gone.target);
    expect(stopped).toBe(1);
  });

  it('stops the stream on close, and writes nothing after it', () => {
    let stopped = 0;
    let sink!: { write(chunk: string): void };
    const live = response(false);
    streamToNode({ open: (given) => ((sink = given), () => void stopped++) }, live.target);
    sink.write('one');
    expect(stopped).toBe(0);
    live.close();
    sink.write('two');
    expect([stopped, live.written]).toEqual([1, ['one']]);
  });
});
