// `serial`: the play's hosts in batches (PlaybookExecutor._get_serialized_batches), computed before the play's
// banner. Each size is converted as Python's int() converts it, so a value int() refuses ends the run as it ends
// ansible-playbook's: an unexpected exception (exit 250).
import { UnexpectedError } from '../errors.js';
import { PyFloat, isDict, pyRepr, pyStr, typeName } from '../python/python.js';

/** Python's int() of a serial entry, or the exception ansible-playbook dies of. */
function pythonInt(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || value instanceof PyFloat) return Math.trunc(Number(value));
  if (typeof value !== 'string' && (value === null || value === undefined || Array.isArray(value) || isDict(value)))
    throw new UnexpectedError(
      `int() argument must be a string, a bytes-like object or a real number, not '${typeName(value)}'`,
    );
  const text = pyStr(value);
  // int() takes surrounding whitespace, a sign and underscores between digits
  if (!/^\s*[-+]?\d+(_\d+)*\s*$/.test(text))
    throw new UnexpectedError(`invalid literal for int() with base 10: ${pyRepr(text)}`);
  return Number(text.replace(/_/g, ''));
}

/** pct_to_int: "N%" of the hosts (at least one when it rounds to nothing), else int(value). */
function batchSize(value: unknown, hostCount: number): number {
  if (typeof value === 'string' && value.endsWith('%'))
    return Math.trunc((pythonInt(value.slice(0, -1)) / 100) * hostCount) || 1;
  return pythonInt(value);
}

/** The batches: the sizes in turn, the last repeated; a size of 0 or less takes every host left. Only the sizes
 * used are converted. */
export function serialBatches(hosts: readonly string[], serial: unknown): string[][] {
  const sizes = serial === null || serial === undefined ? [] : Array.isArray(serial) ? serial : [serial];
  if (!sizes.length) return [[...hosts]];
  const batches: string[][] = [];
  for (let i = 0, k = 0; i < hosts.length; k++) {
    const n = batchSize(sizes[Math.min(k, sizes.length - 1)], hosts.length);
    if (n <= 0) {
      batches.push(hosts.slice(i));
      break;
    }
    batches.push(hosts.slice(i, i + n));
    i += n;
  }
  return batches;
}
