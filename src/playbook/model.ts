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
  /** For handlers: the topics it listens to besides its name (`listen`). */
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
  /** The block that is a whole role; `dependency` when it ran because another role's meta asked for it. A role
   * runs once per host for each key (its name and how it was asked for) unless it allows duplicates. */
  readonly roleRoot?: {
    readonly key: string;
    readonly dependency: boolean;
    readonly allowDuplicates: boolean;
    /** For a role that include_role or import_role brought from inside another role: that role (whose name and
     * path its tasks see in ansible_parent_role_names and ansible_parent_role_paths). */
    readonly parentRole?: Role;
  };
  /** A static `include`'s variables, which are include parameters (above set_fact), beside its `vars:` keyword. */
  readonly includeParams?: Readonly<Record<string, unknown>>;
}

export type TaskOrBlock = Task | Block;

export interface Role {
  readonly name: string;
  /** Its name and what it was asked for with (Ansible's ROLE_CACHE key: params, when, tags, vars, *_from). */
  readonly key: string;
  readonly path: string;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly handlers: readonly Task[];
  /** For a role named by its collection (its name is then `namespace.collection.role`): `namespace.collection`. */
  readonly collection?: string;
  /** The roles its meta/main.yml depends on (ansible_dependent_role_names lists them and theirs). */
  readonly dependencies: readonly Role[];
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
  /** Roles whose defaults and vars every task of the play sees besides those of `roles:`: import_role's (added
   * when the play loads) and include_role's with `public: true` (added when included). */
  readonly publicRoles: Role[];
  readonly pos: Pos;
  /** A bare task file run as the tasks of an implicit `hosts: localhost` play. */
  readonly implicit: boolean;
  /** The `when:` of the import_playbook that brought the play, which also decides its fact gathering. */
  readonly importedWhen?: readonly unknown[];
  readonly basedir: string;
}

export interface Playbook {
  readonly file: string;
  readonly plays: readonly Play[];
  readonly warnings: readonly string[];
}
