// Play, Block and Task as plain readonly data (what the YAML said, resolved and validated). Imports nothing
// from the executor, the templar or AWS.
import type { Pos } from '../errors.js';

export type Keywords = Readonly<Record<string, unknown>>;

export interface Task {
  readonly kind: 'task';
  readonly name?: string;
  /** Canonical module name (the module's first name), and the name as written. */
  readonly action: string;
  readonly actionAsWritten: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** Task keywords other than the action and its args (when, loop, register, ...). */
  readonly keywords: Keywords;
  readonly pos: Pos;
  readonly parent?: Block;
  readonly role?: Role;
  /** For handlers: the names it answers to (its name and `listen`). */
  readonly listen?: readonly string[];
}

export interface Block {
  readonly kind: 'block';
  readonly name?: string;
  readonly block: readonly TaskOrBlock[];
  readonly rescue: readonly TaskOrBlock[];
  readonly always: readonly TaskOrBlock[];
  readonly keywords: Keywords;
  readonly pos: Pos;
  readonly parent?: Block;
  readonly role?: Role;
  /** A block made by import_tasks/import_role/a role: its keywords came from the importer. */
  readonly implicit?: boolean;
  /** The block that is a whole role; `dependency` when it ran because another role's meta asked for it. */
  readonly roleRoot?: { readonly key: string; readonly dependency: boolean };
}

export type TaskOrBlock = Task | Block;

export interface Role {
  readonly name: string;
  readonly path: string;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly handlers: readonly Task[];
}

export interface Play {
  readonly kind: 'play';
  readonly name?: string;
  readonly hosts: unknown;
  readonly keywords: Keywords;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly varsFiles: readonly unknown[];
  readonly preTasks: readonly TaskOrBlock[];
  readonly roles: readonly Block[];
  readonly tasks: readonly TaskOrBlock[];
  readonly postTasks: readonly TaskOrBlock[];
  readonly handlers: readonly Task[];
  readonly pos: Pos;
  /** A bare task file run as the tasks of an implicit `hosts: localhost` play. */
  readonly implicit: boolean;
  readonly basedir: string;
}

export interface Playbook {
  readonly file: string;
  readonly plays: readonly Play[];
  readonly warnings: readonly string[];
}
