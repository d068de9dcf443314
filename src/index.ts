// The library surface: `import { runPlaybook, runTasks, runTarget } from 'tsible'`.
export { runPlaybook, runTasks, runTarget, startEndpoint } from './api/index.js';
export type { RunOptions, RunResult, TaskRecord, TargetResult, TargetOptions, LocalEndpoint } from './api/index.js';
