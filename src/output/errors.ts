// How an error is printed: ERROR!, the message, and where in the YAML it is.
import type { TsibleError } from '../errors.js';
import { extendedError } from '../yaml/extended-error.js';

export function formatError(err: TsibleError): string {
  return err.pos ? `ERROR! ${err.message}\n\n${extendedError(err.pos)}` : `ERROR! ${err.message}`;
}
