// ansible.cfg: found as ConfigManager's find_ini_config_file finds it (ANSIBLE_CONFIG, ./ansible.cfg unless the
// current directory is world writable, ~/.ansible.cfg, /etc/ansible/ansible.cfg: the first readable one), and read
// as Python's configparser reads it (sections, `key = value` or `key: value` with lowercased keys, `#`/`;` comment
// lines, `;` comments after a space, indented continuation lines, [DEFAULT] for every section).
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { StartupError } from './errors.js';

/** A config file's settings: section -> key -> value as written (raw, no interpolation: Ansible reads raw=True). */
export interface ConfigFile {
  readonly path: string;
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

const WORLD_WRITABLE = 0o002;

const expandUser = (p: string) => p.replace(/^~(?=$|\/)/, homedir());

/** The config file Ansible would read, and the warning it gives about an ansible.cfg it ignored. */
export function findConfigFile(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): { file: string | null; warnings: string[] } {
  const candidates: string[] = [];
  let fromEnv: string | undefined;
  if (env.ANSIBLE_CONFIG !== undefined) {
    fromEnv = path.resolve(cwd, expandUser(env.ANSIBLE_CONFIG));
    if (statSync(fromEnv, { throwIfNoEntry: false })?.isDirectory()) fromEnv = path.join(fromEnv, 'ansible.cfg');
    candidates.push(fromEnv);
  }
  const inCwd = path.join(cwd, 'ansible.cfg');
  const cwdWorldWritable = ((statSync(cwd, { throwIfNoEntry: false })?.mode ?? 0) & WORLD_WRITABLE) !== 0;
  if (!cwdWorldWritable) candidates.push(inCwd);
  candidates.push(path.join(homedir(), '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  const file = candidates.find(readable) ?? null;
  const warnings =
    cwdWorldWritable && existsSync(inCwd) && file !== fromEnv
      ? [
          `Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source. For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir`,
        ]
      : [];
  return { file, warnings };
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Reads a config file; a file configparser refuses is an error Ansible gives before anything else. */
export function readConfigFile(file: string): ConfigFile {
  const ext = path.extname(file);
  if (ext !== '.cfg' && ext !== '.ini') {
    if (ext === '.yml' || ext === '.yaml') throw new StartupError('Unsupported configuration file type: yaml');
    throw new StartupError(`Unsupported configuration file extension for ${file}: ${ext}`);
  }
  try {
    return { path: file, sections: parseIni(readFileSync(file, 'utf8')) };
  } catch (e) {
    throw new StartupError(`Error reading config file (${file}): ${(e as Error).message}`);
  }
}

type Sections = Map<string, Map<string, string>>;

/** configparser.read_string with inline_comment_prefixes=(';',), worded as its errors are. */
export function parseIni(text: string): Sections {
  const sections: Sections = new Map();
  const defaults = new Map<string, string>();
  let current: Map<string, string> | undefined;
  let last: { key: string; indent: number } | undefined;
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const lineNo = i + 1;
    const stripped = raw.trim();
    if (stripped === '' || stripped.startsWith('#') || stripped.startsWith(';')) {
      if (stripped === '') last = undefined;
      return;
    }
    const indent = raw.length - raw.trimStart().length;
    const value = stripComment(stripped);
    if (current && last && indent > last.indent) {
      current.set(last.key, `${current.get(last.key)}\n${value}`);
      return;
    }
    const header = /^\[([^\]]+)\]/.exec(value);
    if (header) {
      const name = header[1]!;
      if (name !== 'DEFAULT' && sections.has(name))
        throw new Error(`While reading from '<string>' [line ${pad(lineNo)}]: section '${name}' already exists`);
      current = name === 'DEFAULT' ? defaults : new Map();
      if (name !== 'DEFAULT') sections.set(name, current);
      last = undefined;
      return;
    }
    if (!current)
      throw new Error(`File contains no section headers.\nfile: '<string>', line: ${lineNo}\n${pyLine(raw)}`);
    const option = /^(.*?)\s*[=:]\s*(.*)$/.exec(value);
    if (!option || option[1] === '') {
      errors.push(`\n\t[line ${pad(lineNo)}]: ${pyLine(raw)}`);
      return;
    }
    const key = option[1]!.toLowerCase();
    if (current.has(key))
      throw new Error(
        `While reading from '<string>' [line ${pad(lineNo)}]: option '${key}' in section '${sectionName(sections, current)}' already exists`,
      );
    current.set(key, option[2]!);
    last = { key, indent };
  });
  if (errors.length) throw new Error(`Source contains parsing errors: '<string>'${errors.join('')}`);
  for (const s of sections.values()) for (const [k, v] of defaults) if (!s.has(k)) s.set(k, v);
  return sections;
}

/** A `;` after whitespace starts a comment. */
const stripComment = (line: string) => line.replace(/\s;.*$/, '').trimEnd();
const pad = (n: number) => String(n).padStart(2, ' ');
/** The line as Python's repr shows it with its newline. */
const pyLine = (raw: string) => `'${raw.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}\\n'`;
const sectionName = (sections: Sections, s: Map<string, string>) =>
  [...sections].find(([, v]) => v === s)?.[0] ?? 'DEFAULT';
