// The lookup plugins live in lookups/ (the table, one file per family), the template globals in globals.ts;
// what the executor imports from here is re-exported.
export { GLOBALS } from './globals.js';
export { loopLookupItems } from '../../lookups/index.js';
