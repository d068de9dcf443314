// Values that contain themselves (a recursive YAML alias, `a: &a [*a]`): Python's recursion limit stops what walks
// them, and its repr shows the inner occurrence as `[...]` or `{...}`.
import { PyException, PyTuple, isDict, pyRepr, reprString } from './python.js';

/** Python's RecursionError, as templating a value that contains itself raises it. */
export class PyRecursionError extends PyException {
  constructor(readonly reason = 'maximum recursion depth exceeded in comparison') {
    super('RecursionError', reason);
  }
}

/** Python's repr of a list or dict that may contain itself: a container met again inside itself is `[...]` or
 * `{...}` (Py_ReprEnter). */
export function recursiveRepr(value: unknown): string {
  const open = new Set<object>();
  const walk = (v: unknown): string => {
    const list = Array.isArray(v) && !(v instanceof PyTuple);
    if (!list && !isDict(v)) return pyRepr(v);
    if (open.has(v as object)) return list ? '[...]' : '{...}';
    open.add(v as object);
    try {
      if (list) return `[${(v as unknown[]).map(walk).join(', ')}]`;
      return `{${Object.entries(v as object)
        .map(([k, x]) => `${reprString(k)}: ${walk(x)}`)
        .join(', ')}}`;
    } finally {
      open.delete(v as object);
    }
  };
  return walk(value);
}
