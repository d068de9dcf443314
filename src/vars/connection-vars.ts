// The connection variables every task sees (PlayContext.update_vars): after the play context took the task's
// connection keywords and the host's variables, each of its connection attributes that has a value is offered under
// all of its variable names that are not set already. So `lookup('vars', 'ansible_host')` finds the host's address
// even when no inventory sets it (ansible_ssh_host and ansible_host name the same attribute).
import type { Block, Play, Task } from '../playbook/model.js';
import { configValue, ensureType } from '../config.js';

/** What the attributes are worked out from. */
interface ConnectionSource {
  /** a variable as the task sees it without these (undefined: not set) */
  readonly lookup: (name: string) => unknown;
  readonly host: string;
  readonly play: Play;
  readonly task: Task | Block | undefined;
  /** the connection when neither the host nor a keyword sets one (-c) */
  readonly defaultConnection: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** An attribute of the play context: the variables that name it (MAGIC_VARIABLE_MAPPING, become's left out as
 * update_vars leaves them), and its value when none of them is set. */
interface Attribute {
  readonly names: readonly string[];
  readonly fallback: (s: ConnectionSource) => unknown;
  /** the attribute's type: a value the variables give is converted to it (PlayContext.post_validate) */
  readonly type?: 'boolean' | 'integer';
}
const ATTRIBUTES: readonly Attribute[] = [
  {
    names: ['ansible_connection'],
    fallback: (s) => nearestKeyword(s, 'connection') ?? s.defaultConnection ?? 'ssh',
  },
  { names: ['ansible_module_compression'], fallback: () => 'ZIP_DEFLATED' },
  { names: ['ansible_shell_executable'], fallback: (s) => s.env.ANSIBLE_EXECUTABLE ?? '/bin/sh' },
  { names: ['ansible_ssh_host', 'ansible_host'], fallback: (s) => s.host },
  {
    names: ['ansible_ssh_user', 'ansible_user'],
    fallback: (s) => nearestKeyword(s, 'remote_user') ?? configValue('DEFAULT_REMOTE_USER', s.env),
  },
  {
    names: ['ansible_ssh_port', 'ansible_port'],
    fallback: (s) => configValue('DEFAULT_REMOTE_PORT', s.env),
    type: 'integer',
  },
  {
    names: ['ansible_ssh_pipelining', 'ansible_pipelining'],
    fallback: (s) => configValue('ANSIBLE_PIPELINING', s.env),
    type: 'boolean',
  },
  {
    names: ['ansible_ssh_timeout', 'ansible_timeout'],
    fallback: (s) => configValue('DEFAULT_TIMEOUT', s.env),
    type: 'integer',
  },
  {
    names: ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
    fallback: (s) => s.env.ANSIBLE_PRIVATE_KEY_FILE,
  },
];
const BY_NAME = new Map(ATTRIBUTES.flatMap((a) => a.names.map((n) => [n, a] as const)));

/** The value update_vars gives `name` (undefined: it gives none). Only asked for names the task's variables lack. */
export function connectionVariable(name: string, s: ConnectionSource): { value: unknown } | undefined {
  const attribute = BY_NAME.get(name);
  if (!attribute) return undefined;
  // the first of its names the variables set decides the attribute (set_task_and_variable_override)
  for (const n of attribute.names) {
    const v = n === name ? undefined : s.lookup(n);
    if (v !== undefined) return { value: attribute.type ? ensureType(v, attribute.type) : v };
  }
  const value = attribute.fallback(s);
  return value === undefined || value === null ? undefined : { value };
}

/** A connection keyword of the task, its blocks, or the play (they inherit the nearest). */
function nearestKeyword(s: ConnectionSource, key: 'connection' | 'remote_user'): unknown {
  for (let n = s.task; n; n = n.parent)
    if (n.keywords[key] !== undefined && n.keywords[key] !== null) return n.keywords[key];
  const v = s.play.keywords[key];
  return v === undefined || v === null ? undefined : v;
}
