// The actions the executor carries out itself, by action name; every other action is a module (modules/) or an
// include (includes.ts).
import type { ExecutorAction } from './action.js';
import debug from './debug.js';
import assert from './assert.js';
import meta from './meta.js';
import includeVars from './include-vars.js';
import setStats from './set-stats.js';
import addHost from './add-host.js';
import groupBy from './group-by.js';
import gatherFacts from './gather-facts.js';
import validateArgumentSpec from './validate-argument-spec.js';
import { importRoleAction, importTasksAction } from './imports.js';

const ACTIONS: readonly ExecutorAction[] = [
  debug,
  assert,
  meta,
  includeVars,
  setStats,
  addHost,
  groupBy,
  gatherFacts,
  validateArgumentSpec,
  importTasksAction,
  importRoleAction,
];

/** By every name of each action (a task's action is its module's first name; the implicit fact gathering's is
 * gather_facts). */
const byName = new Map<string, ExecutorAction>();
for (const a of ACTIONS) for (const n of a.definition.names) byName.set(n, a);

export const executorAction = (action: string): ExecutorAction | undefined => byName.get(action);

export { ActionFailure, type ActionSite, type ExecutorAction } from './action.js';
export { metaAction, metaSkipped } from './meta.js';
