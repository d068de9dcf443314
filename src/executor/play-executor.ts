// Where other folders have always found the executor: the facade now lives in playbook-executor.ts.
export { PlaybookExecutor, type RunOptions } from './playbook-executor.js';
