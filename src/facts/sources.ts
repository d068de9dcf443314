// Where facts come from: files under /proc, /sys and /etc, programs on PATH, and child processes, read the
// way Ansible's get_file_content, get_bin_path and run_command do.
import { execFile } from 'node:child_process';
import { accessSync, constants, readFile, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** One gathering: the setup module's options and the warnings its collectors give. */
export interface Gathering {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly factPath: string;
  readonly warnings: string[];
  /** Facts collected so far (what a collector may read, as collected_facts). */
  readonly collected: Record<string, unknown>;
  /** Whether the setup module's filter keeps a fact (named without ansible_). */
  wants(fact: string): boolean;
}

/** A file's text, stripped as get_file_content strips it; undefined when it cannot be read. */
export function fileContent(file: string): Promise<string | undefined> {
  return new Promise((resolve) => readFile(file, 'utf8', (err, data) => resolve(err ? undefined : data.trim())));
}

/** A directory's entries, none when it cannot be read. */
export const listDir = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);

/** get_bin_path: the program on PATH (and the sbin directories Ansible adds), undefined when none. */
export function binPath(name: string, env: Gathering['env']): string | undefined {
  const dirs = [...(env.PATH ?? '').split(':'), '/sbin', '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      if (!statSync(file).isDirectory()) {
        accessSync(file, constants.X_OK);
        return file;
      }
    } catch {
      // not there: the next directory
    }
  }
  return undefined;
}

/** run_command: exit code and output of a program, or undefined when it could not be started. */
export function runCommand(
  file: string,
  args: readonly string[],
  env: Gathering['env'],
): Promise<{ rc: number; out: string; err: string } | undefined> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: { ...env, LANG: 'C', LC_ALL: 'C', LC_MESSAGES: 'C' }, timeout: 10000 },
      (e, out, err) => {
        const code = (e as { code?: unknown } | null)?.code;
        if (typeof code === 'string') resolve(undefined);
        else resolve({ rc: typeof code === 'number' ? code : e ? 1 : 0, out: String(out), err: String(err) });
      },
    );
  });
}

const ran = new Map<string, ReturnType<typeof runCommand>>();
/** runCommand for a program whose answer does not change while tsible runs (lsb_release, capsh): once per run. */
export function runOnce(file: string, args: readonly string[], env: Gathering['env']): ReturnType<typeof runCommand> {
  const key = [file, ...args].join('\0');
  let p = ran.get(key);
  if (!p) ran.set(key, (p = runCommand(file, args, env)));
  return p;
}
