// The lookup plugins live in lookups/ (the table, one file per family); the template globals in globals.ts.
// Re-exported here for the importers of the old module.
export { GLOBALS } from './globals.js';
export {
  LOOKUPS,
  LookupFailure,
  LookupOptionsError,
  loopLookupItems,
  runLookup,
  type LookupContext,
} from '../../lookups/index.js';
