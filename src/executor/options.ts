// What a run is asked to do: the command line's options and what the caller provides (clock, signal, AWS).
import type { Task, TaskOrBlock } from '../playbook/model.js';
import type { Clock } from '../module.js';
import type { JinjaMode } from '../template/templar.js';
import type { Vars } from '../vars/variable-manager.js';
import type { Inventory } from '../inventory/inventory.js';
import type { FactCache } from '../vars/fact-cache.js';
import type { AwsSettings } from '../aws/client.js';
import type { VaultSecret } from '../vault/index.js';

export interface RunOptions {
  readonly extraVars: Vars;
  readonly checkMode: boolean;
  readonly diff: boolean;
  readonly verbosity: number;
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
  readonly startAtTask?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly random: { next(): number };
  readonly signal: AbortSignal;
  readonly aws: AwsSettings;
  readonly jinja?: JinjaMode;
  /** The vault secrets (label, password) files and `!vault` values were decrypted with, in the order tried. */
  readonly vaultSecrets?: readonly VaultSecret[];
  readonly inventory?: Inventory;
  /** The fact cache the run's playbooks share (else one of ANSIBLE_CACHE_PLUGIN's for this playbook). */
  readonly factCache?: FactCache;
  /** How many hosts run a task at once (-f, DEFAULT_FORKS); 1 when absent. */
  readonly forks?: number;
  /** Asks the user at the terminal (pause's prompt, vars_prompt), without echo when hidden; absent when there
   * is no terminal. */
  readonly prompt?: (text: string, how?: { hidden?: boolean }) => Promise<string | null>;
  /** Included files as they were first read, kept here by include task and file: what a simulation wants (its
   * runs must not change when a file is edited under them, and reading again is what costs). Without it an
   * include reads its file every time, as Ansible does. */
  readonly frozenIncludes?: WeakMap<Task, Map<string, { file: string; tasks: TaskOrBlock[] }>>;
}
