import { UndefinedError } from '../errors.js';

/**
 * Jinja2's strict-but-lazy undefined as Ansible configures it: looking a missing name or attribute up gives
 * one of these; attribute access on it gives itself (so `a.b.c | default(x)` works); any real use throws
 * with the message of the first failing step.
 */
export class PyUndefined {
  constructor(readonly hint: string) {}
  fail(): never {
    throw new UndefinedError(this.hint);
  }
  toString(): string {
    return this.fail();
  }
}
export function assertDefined<T>(v: T): Exclude<T, PyUndefined> {
  if (v instanceof PyUndefined) v.fail();
  return v as Exclude<T, PyUndefined>;
}
