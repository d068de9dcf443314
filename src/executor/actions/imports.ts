// import_tasks and import_role are expanded when the playbook loads; a task left of them reports nothing done.
import { importRole, importTasks } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';

export const importTasksAction = { definition: importTasks, run: () => ({ changed: false }) } satisfies ExecutorAction;
export const importRoleAction = { definition: importRole, run: () => ({ changed: false }) } satisfies ExecutorAction;
