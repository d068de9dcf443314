// What a no_log task makes secret for the rest of the run (src/vault/secret-text.ts): the facts it set, the
// values in the result it registered, and the -e values it used.
import type { Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import { isDict } from '../python/python.js';
import { MIN_SCRUBBED, addSecrets } from '../vault/index.js';
import type { Vars } from '../vars/variable-manager.js';

/** A result's bookkeeping, in Ansible's words or the command as written: no one's secret, and masking them would
 * hide "non-zero return code" or "echo" in every later line. */
const BOOKKEEPING = new Set([
  'changed',
  'failed',
  'skipped',
  'skip_reason',
  'msg',
  'rc',
  'cmd',
  'start',
  'end',
  'delta',
  'invocation',
  'warnings',
  'deprecations',
  'ansible_loop_var',
  'ansible_index_var',
]);

/** Learns the secrets a no_log task's result holds. */
export function learnNoLogSecrets(task: Task, result: TaskResult, { registered, extraVars }: NoLogSite): void {
  if (isDict(result.ansible_facts)) addSecrets(result.ansible_facts);
  // a registered result's short values are modes, states and owners ("0644", "file", "root"), not secrets
  if (registered) addSecrets(strings(resultValues(result)).filter((s) => s.length >= MIN_SCRUBBED));
  const used = textOf([task.args, task.keywords]);
  const shown = textOf(result);
  for (const [name, v] of Object.entries(extraVars)) {
    const named = new RegExp(`\\b${name.replace(/[^\w]/g, '\\$&')}\\b`).test(used);
    if (named) addSecrets(v);
    else for (const s of strings(v)) if (shown.includes(JSON.stringify(s).slice(1, -1))) addSecrets(s);
  }
}

interface NoLogSite {
  /** The task registers its result. */
  readonly registered: boolean;
  readonly extraVars: Vars;
}

/** The result's values but its bookkeeping and internal keys, loop items included. */
function resultValues(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resultValues);
  if (!isDict(v)) return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!BOOKKEEPING.has(k) && !k.startsWith('_ansible')) o[k] = resultValues(x);
  return o;
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (isDict(v)) return Object.values(v).flatMap(strings);
  return [];
}

/** A value's text to search for names and values in (what JSON cannot write, such as a cycle, is left out). */
function textOf(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}
