// The name a task's banner shows.
import type { Task } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import { pyStr } from '../python/python.js';

/** The name the banner shows: the templated name (or the action, or `include_role : name`), after its role's
 * (except an include_role's). */
export function taskName(task: Task, templar: Templar): string {
  let name: string;
  if (task.name !== undefined) {
    try {
      name = pyStr(templar.template(task.name));
    } catch {
      name = task.name;
    }
  } else if (task.action === 'include_role' || task.action === 'import_role') {
    let r = task.args.name;
    try {
      r = templar.template(r);
    } catch {
      /* the raw name */
    }
    name = `${task.actionAsWritten} : ${pyStr(r)}`;
  } else name = (loadedAs.get(task) ?? task).actionAsWritten;
  // IncludeRole.get_name has no role prefix, even for an include_role inside a role
  return task.role && task.action !== 'include_role' ? `${task.role.name} : ${name}` : name;
}

/** A task copied for one host with its templated action (task-gate.ts): the banner shows the action as loaded. */
const loadedAs = new WeakMap<Task, Task>();
export function copiedFrom(copy: Task, loaded: Task): Task {
  loadedAs.set(copy, loaded);
  return copy;
}
