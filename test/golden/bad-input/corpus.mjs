// The bad-input corpus, shared by record.mjs (which runs real ansible-playbook) and test/e2e/bad-input.test.ts
// (which runs tsible): reading the case files, writing one case into a folder, running a command on it with a
// timeout, and taking the key of what it printed.
//
// A case is an entry of cases/FAMILY.yml: `name`, `files` (file name -> text; or {latin1: text} for bytes that are
// not UTF-8, one byte a character; or {utf16le: text} / {utf16be: text}, written with a byte order mark), `args`
// (default [site.yml]) and `env`. Its id is FAMILY/NAME.
//
// The key of a run is what the corpus compares: the exit code, the key message and the location.
// - key message: the first line of stderr that starts with `ERROR! ` (without that prefix), or for a YAML syntax
//   error the line "Syntax Error while loading YAML." and the parser's problem on the line after it; else the `msg` of the
//   first `fatal:`/`failed:` result on stdout, up to the blank line before its "The error appears to be in";
//   else the first `PROG: error:` line of an option error, with the program's name as `PROG`; else empty. The
//   `msg` is the result's `message` or `reason` when it has none. A Python set it prints is left out (its order
//   changes from run to run).
// - location: the file:line:column of the first "The error appears to be in 'FILE': line L, column C" that follows
//   that message, FILE relative to the case's folder.
// The case's folder is written `<dir>` everywhere.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const EXPECTED_FILE = path.join(HERE, 'expected.ansible-2.14.json');
/** Environment of every run, as test/golden/regenerate.sh sets it for the core goldens. */
export const RUN_ENV = {
  ANSIBLE_NOCOLOR: '1',
  NO_COLOR: '1',
  ANSIBLE_DEPRECATION_WARNINGS: '0',
  ANSIBLE_RETRY_FILES_ENABLED: '0',
  ANSIBLE_LOCALHOST_WARNING: '0',
  ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
  ANSIBLE_STDOUT_CALLBACK: 'default',
};

/** Every case of every family, in file order. */
export function loadCases() {
  const cases = [];
  for (const file of readdirSync(path.join(HERE, 'cases')).sort()) {
    if (!file.endsWith('.yml')) continue;
    const family = file.slice(0, -4);
    const list = yaml.load(readFileSync(path.join(HERE, 'cases', file), 'utf8'));
    for (const c of list) cases.push({ args: ['site.yml'], env: {}, ...c, family, id: `${family}/${c.name}` });
  }
  return cases;
}

function bytesOf(content) {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  if ('latin1' in content) return Buffer.from(content.latin1, 'latin1');
  if ('utf16le' in content) return Buffer.from('\ufeff' + content.utf16le, 'utf16le');
  const le = Buffer.from('\ufeff' + content.utf16be, 'utf16le');
  return le.swap16();
}

/** Writes a case's files into a new folder and returns its real path. */
export function writeCase(c) {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'bad-input-')));
  for (const [name, content] of Object.entries(c.files ?? {})) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    if (!name.endsWith('/')) writeFileSync(file, bytesOf(content));
  }
  return dir;
}

/** Runs a command in a case's folder; after timeoutMs its whole process group is killed and `timedOut` is set. */
export function runIn(dir, command, { env = {}, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: dir,
      env: { ...process.env, ...RUN_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const clean = (t) => t.replaceAll(dir, '<dir>');
      resolve({ code: timedOut ? 'timeout' : code, stdout: clean(stdout), stderr: clean(stderr), timedOut });
    });
  });
}

const WHERE = /The error appears to be in '([^']*)': line (\d+), column (\d+)/;

function locationIn(text) {
  const m = WHERE.exec(text);
  return m ? `${m[1].replace(/^<dir>\//, '')}:${m[2]}:${m[3]}` : '';
}

function failedResult(stdout) {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => /^(fatal|failed): \[[^\]]*\]( \(item=.*\))?: [A-Z]+! => \{/.test(l));
  if (at < 0) return undefined;
  // one line, or indented over several up to the closing brace
  const end = lines[at].endsWith('{') ? lines.indexOf('}', at) : at;
  const text = lines.slice(at, end + 1).join('\n');
  try {
    const result = JSON.parse(text.slice(text.indexOf('=> ') + 3));
    const words = [result.msg, result.message, result.reason].find((m) => typeof m === 'string');
    return words ?? JSON.stringify(result.msg ?? result);
  } catch {
    return lines[at];
  }
}

/** Messages that print a Python set, whose order changes from run to run: the set is left out. */
const PYTHON_SET = /(Valid booleans include: |in the following modules: |Must be one of ).*$/;

/** The key of a run: { rc, message, location }. */
export function keyOf(run) {
  const key = rawKeyOf(run);
  return { ...key, message: key.message.replace(PYTHON_SET, '$1<a Python set>') };
}

function rawKeyOf(run) {
  const rc = run.code;
  const lines = run.stderr.split('\n');
  const error = lines.findIndex((l) => l.startsWith('ERROR! '));
  if (error >= 0) {
    // a YAML syntax error: the parser's own words say more than the heading Ansible puts above them
    const syntax = lines.indexOf('Syntax Error while loading YAML.', error);
    const message = syntax > 0 ? `${lines[syntax]} ${lines[syntax + 1]?.trim()}` : lines[error].slice(7);
    return { rc, message, location: locationIn(lines.slice(error).join('\n')) };
  }
  const msg = failedResult(run.stdout);
  if (msg !== undefined) {
    const cut = msg.search(/\n\nThe error appears to be in /);
    return { rc, message: (cut >= 0 ? msg.slice(0, cut) : msg).split('\n')[0], location: locationIn(msg) };
  }
  const usage = lines.find((l) => /^[\w.-]+: error: /.test(l));
  if (usage) return { rc, message: usage.replace(/^[\w.-]+: /, 'PROG: '), location: '' };
  return { rc, message: '', location: '' };
}
