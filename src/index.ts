// The library surface: `import { runPlaybook, runTasks, runTarget } from 'tsible'`.
export { runPlaybook, runTasks, startEndpoint } from './api/index.js';
export type { RunOptions, RunResult, TaskRecord, LocalEndpoint } from './api/index.js';
export { runTarget, type TargetResult, type TargetOptions } from './testing/target.js';
