// include_vars: a file found as find_needle finds it, or a directory's files; loaded as include variables.
import * as path from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import type { TaskResult } from '../../module.js';
import { isDict, pyStr } from '../../python/python.js';
import { isADirectory, readYamlFile } from '../../playbook/loader.js';
import type { Vars } from '../../vars/variable-manager.js';
import { includeVars } from '../../../modules/control.js';
import { fail, type ActionSite, type ExecutorAction } from './action.js';

type Args = Record<string, unknown>;

/** dir=: the directory's files (depth, extensions, files_matching), sorted as walked. */
function filesOfDir(site: ActionSite, a: Args): string[] {
  const { task } = site;
  const base = task.role ? path.join(task.role.path, 'vars') : path.dirname(task.pos.file);
  const dir = path.resolve(base, pyStr(a.dir));
  const walk = (d: string, depth: number): string[] =>
    readdirSync(d)
      .sort()
      .flatMap((n) => {
        const p = path.join(d, n);
        return statSync(p).isDirectory() ? (a.depth && depth >= Number(a.depth) ? [] : walk(p, depth + 1)) : [p];
      });
  const exts = (a.extensions as string[] | undefined) ?? ['yaml', 'yml', 'json'];
  return walk(dir, 1).filter(
    (f) =>
      exts.includes(path.extname(f).slice(1)) &&
      (!a.files_matching || new RegExp(pyStr(a.files_matching)).test(path.basename(f))),
  );
}

/** find_needle('vars', file): each search directory's vars/ first, then the directory itself (the role's, the task
 * file's, the playbook's), as ActionBase's search path lists them. A failure when it is nowhere. */
function findFile(site: ActionSite, a: Args): string | TaskResult {
  const { task } = site;
  const name = pyStr(a.file ?? a._raw_params);
  const dirs = [...(task.role ? [task.role.path] : []), path.dirname(task.pos.file), site.ctx.play.basedir];
  const candidates = path.isAbsolute(name)
    ? [name]
    : dirs.flatMap((d) => [path.join(d, 'vars', name), path.join(d, name)]);
  const found = candidates.find((c) => statSync(c, { throwIfNoEntry: false }) !== undefined);
  if (found && statSync(found).isFile()) return found;
  return {
    failed: true,
    changed: false,
    ansible_facts: {},
    ansible_included_var_files: [],
    message: found
      ? isADirectory(found)
      : `Could not find or access '${name}'\nSearched in:\n${candidates.map((c) => `\t${c}`).join('\n')} on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option`,
  };
}

const DIR_OPTIONS = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'];
const FILE_OPTIONS = ['file', '_raw_params'];

/** include_vars checks its own options: known ones, and not a file's with a directory's. */
function checkOptions(a: Args): void {
  for (const k of Object.keys(a))
    if (![...DIR_OPTIONS, ...FILE_OPTIONS, 'name', 'hash_behaviour'].includes(k))
      fail(`${k} is not a valid option in include_vars`);
  if (Object.keys(a).some((k) => DIR_OPTIONS.includes(k)) && Object.keys(a).some((k) => FILE_OPTIONS.includes(k)))
    fail('You are mixing file only and dir only arguments, these are incompatible');
}

export default {
  definition: includeVars,
  run(a, site) {
    checkOptions(a);
    const files: string[] = [];
    if (a.dir !== undefined) files.push(...filesOfDir(site, a));
    else {
      const found = findFile(site, a);
      if (typeof found !== 'string') return found;
      files.push(found);
    }
    const loaded: Vars = {};
    let encrypted = false;
    for (const f of files) {
      const read = readYamlFile(f);
      encrypted ||= read.encrypted === true;
      const d = read.documents[0];
      if (d !== null && d !== undefined && !isDict(d))
        return { failed: true, msg: `${f} must be stored as a dictionary/hash` };
      Object.assign(loaded, d ?? {});
    }
    const facts = a.name ? { [pyStr(a.name)]: loaded } : loaded;
    site.ctx.vm.addIncludeVars(site.host, facts);
    // the content of a vault encrypted file is not shown (show_content false: the result is censored)
    const hidden = encrypted ? { _ansible_no_log: true } : {};
    return { changed: false, ansible_facts: facts, ansible_included_var_files: files, ...hidden };
  },
} satisfies ExecutorAction;
