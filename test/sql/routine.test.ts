import { describe, expect, it } from 'vitest';
import { bindStatement } from '../../adapters/sql/index.js';

describe('a statement bound into a batch routine', () => {
  it('replaces `?` in order and `$n` by number, one expression each', () => {
    expect(bindStatement({ name: 'q', text: 'UPDATE t SET a = ? WHERE b = ?' }, ['x', 'y'])).toBe('UPDATE t SET a = x WHERE b = y');
    expect(bindStatement({ name: 'p', text: 'UPDATE t SET a = $2 WHERE b = $1' }, ['x', 'y'])).toBe('UPDATE t SET a = y WHERE b = x');
  });

  it('refuses more or fewer expressions than placeholders, rather than a routine that writes the wrong column', () => {
    expect(() => bindStatement({ name: 'q', text: 'UPDATE t SET a = ? WHERE b = ?' }, ['x'])).toThrow('binds 1 values to q');
    expect(() => bindStatement({ name: 'q', text: 'UPDATE t SET a = ?' }, ['x', 'y'])).toThrow('binds 2 values to q');
    expect(() => bindStatement({ name: 'p', text: 'UPDATE t SET a = $1 WHERE b = $3' }, ['x', 'y'])).toThrow('binds 2 values to p');
  });
});
