// serial's batches (PlaybookExecutor._get_serialized_batches) and the values Python's int() refuses, which end
// ansible-playbook with an unexpected exception (bad-input cases keywords/play-serial-*).
import { describe, expect, it } from 'vitest';
import { serialBatches } from '../../src/executor/serial.js';
import { ExitCode, UnexpectedError } from '../../src/errors.js';

const HOSTS = ['a', 'b', 'c', 'd', 'e'];

describe('serialBatches', () => {
  it('gives the sizes in turn, the last repeated, a percentage of the hosts at least one', () => {
    expect(serialBatches(HOSTS, null)).toEqual([HOSTS]);
    expect(serialBatches(HOSTS, 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(serialBatches(HOSTS, [1, ' 3 '])).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    expect(serialBatches(HOSTS, ['10%', '40%'])).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    expect(serialBatches(HOSTS, [1, 0])).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    expect(serialBatches(HOSTS, 2.7)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });
  it("refuses what Python's int() refuses, but only a size it uses", () => {
    const refusal = (serial: unknown) => {
      try {
        serialBatches(HOSTS, serial);
      } catch (e) {
        expect(e).toBeInstanceOf(UnexpectedError);
        expect((e as UnexpectedError).exitCode).toBe(ExitCode.Unexpected);
        return (e as Error).message.replace('Unexpected Exception, this is probably a bug: ', '');
      }
      return 'accepted';
    };
    expect(refusal('many')).toBe("invalid literal for int() with base 10: 'many'");
    expect(refusal('x%')).toBe("invalid literal for int() with base 10: 'x'");
    expect(refusal({ a: 1 })).toBe("int() argument must be a string, a bytes-like object or a real number, not 'dict'");
    expect(refusal([null])).toBe(
      "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
    );
    expect(refusal([5, 'many'])).toBe('accepted');
    expect(serialBatches([], 'many')).toEqual([]);
  });
});
