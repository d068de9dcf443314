// Ansible's lookup plugins: the table, one file per family, and the two ways of running one.
export { LOOKUPS, findLookup } from './table.js';
export { runLookup, loopLookupItems, loopTerms } from './run.js';
export {
  DICT_AS_TERMS,
  LookupFailure,
  LookupOptionsError,
  type LookupContext,
  type LookupPlugin,
  type TermsShape,
} from './plugin.js';
