// A script target: runme.sh run as ansible-test runs it (in its copy of the target, with ansible-test's
// environment), with shims first on PATH so that the script's own ansible-playbook and ansible-vault run through
// tsible, and the Ansible commands tsible does not serve fail loudly rather than reaching a real Ansible.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetLayout } from './layout.js';

/** The Ansible commands tsible serves, and the tsible arguments each one starts with. */
const SERVED: Record<string, readonly string[]> = {
  'ansible-playbook': [],
  'ansible-vault': ['vault'],
  ansible: ['ansible'],
};

/** Ansible's other commands: shadowed, so that a script never runs a real Ansible by accident. */
const NOT_SERVED = [
  'ansible-inventory',
  'ansible-config',
  'ansible-console',
  'ansible-doc',
  'ansible-galaxy',
  'ansible-pull',
  'ansible-test',
  'ansible-connection',
];

/** The folder of the tsible package (bin/tsible.js), from wherever this module was built to. */
export function tsibleBin(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'bin', 'tsible.js'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('tsible test: cannot find bin/tsible.js above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return path.join(dir, 'bin', 'tsible.js');
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Writes the shims and returns their folder. */
export function writeShims(root: string): string {
  const dir = path.join(root, 'shims');
  mkdirSync(dir);
  const bin = tsibleBin();
  for (const [command, args] of Object.entries(SERVED))
    writeFileSync(
      path.join(dir, command),
      `#!/bin/sh\nexec ${[process.execPath, bin, ...args].map(quote).join(' ')} "$@"\n`,
      { mode: 0o755 },
    );
  for (const command of NOT_SERVED)
    writeFileSync(
      path.join(dir, command),
      `#!/bin/sh\necho "tsible test: ${command} is not served by tsible (only ${Object.keys(SERVED).join(', ')})" >&2\nexit 127\n`,
      { mode: 0o755 },
    );
  return dir;
}

interface ScriptRun {
  readonly rc: number;
  /** stdout and stderr as they came. */
  readonly output: string;
}

/** Runs the target's runme.sh: `args` are what ansible-test adds (-v..., -e @config). */
export function runScript(
  layout: TargetLayout,
  env: Record<string, string | undefined>,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<ScriptRun> {
  const shims = writeShims(layout.root);
  const script = path.join(layout.targetDir, 'runme.sh');
  let executable = true;
  try {
    accessSync(script, constants.X_OK);
  } catch {
    executable = false;
  }
  const [command, argv] = executable ? ['./runme.sh', args] : ['bash', ['runme.sh', ...args]];
  const child = spawn(command, argv, {
    cwd: layout.targetDir,
    env: { ...env, PATH: `${shims}${path.delimiter}${env.PATH ?? ''}`, ANSIBLE_PLAYBOOK_DIR: layout.targetDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    signal,
  });
  let output = '';
  child.stdout.on('data', (b) => (output += b));
  child.stderr.on('data', (b) => (output += b));
  return new Promise((resolve) => {
    child.on('error', (e) => (output += `${e.message}\n`));
    child.on('close', (code, sig) => resolve({ rc: code ?? (sig ? 128 : 1), output }));
  });
}

/** Why a script failed, in a line: its last fatal task or error, else its exit code; and the last command its
 * `set -x` traced, which under `set -e` is the one that failed. */
export function scriptFailure(run: ScriptRun): string {
  const lines = run.output.split('\n');
  const fatal = lines.filter((l) => /^(fatal: |ERROR! |tsible test: )/.test(l)).at(-1);
  const traced = lines.filter((l) => /^\++ /.test(l)).at(-1);
  const why = fatal ? fatal.slice(0, 240) : `runme.sh exited with ${run.rc}`;
  return traced ? `${why} (last command: ${traced.replace(/^\++ /, '').slice(0, 160)})` : why;
}
