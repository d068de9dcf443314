// lineinfile, blockinfile, replace and template called directly, for what the core goldens (test/golden/core/edit-*)
// cannot show: backup files, encodings, symbolic modes, template's --diff data (Ansible's names a temporary file).
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateArgs, type ModuleContext, type ModuleDefinition, type TaskResult } from '../../src/module.js';
import { resolveModule } from '../../modules/index.js';
import { modeOf } from '../../modules/file_common.js';
import { Templar } from '../../src/template/templar.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tsible-file-edit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOON = new Date(2024, 4, 6, 12, 34, 56).getTime();
function context(over: Partial<ModuleContext> = {}): ModuleContext {
  return {
    checkMode: false,
    diff: false,
    env: process.env,
    basedir: dir,
    clock: { now: () => NOON, sleep: async () => {} },
    templates: new Templar({ lookupVar: (n) => ({ who: 'tsible' })[n], lookup: { basedirs: [dir] } }),
    warn: () => {},
    ...over,
  } as unknown as ModuleContext;
}
async function run(name: string, args: Record<string, unknown>, ctx = context()): Promise<TaskResult> {
  const def = resolveModule(name) as ModuleDefinition;
  const v = validateArgs(def, args, name);
  expect(v.error).toBeUndefined();
  return def.run(v.args, ctx);
}

describe('backups', () => {
  it('lineinfile copies the file beside it, named with the pid and the local time (backup_local)', async () => {
    const f = path.join(dir, 'a.conf');
    writeFileSync(f, 'x=1\n');
    chmodSync(f, 0o640);
    const r = await run('lineinfile', { path: f, line: 'y=2', backup: true });
    expect(r.backup).toBe(`${f}.${process.pid}.2024-05-06@12:34:56~`);
    expect(readFileSync(r.backup as string, 'utf8')).toBe('x=1\n');
    expect(statSync(r.backup as string).mode & 0o777).toBe(0o640);
    expect(readFileSync(f, 'utf8')).toBe('x=1\ny=2\n');
  });
  it('blockinfile and replace name it backup_file, only when they made one', async () => {
    const f = path.join(dir, 'b.conf');
    writeFileSync(f, 'a\n');
    expect((await run('blockinfile', { path: f, block: 'b', backup: true })).backup_file).toMatch(/@12:34:56~$/);
    expect(await run('blockinfile', { path: f, block: 'b', backup: true })).not.toHaveProperty('backup_file');
    // (within the same second, a second backup replaces the first, as Ansible's does)
    expect((await run('replace', { path: f, regexp: '^a$', replace: 'A', backup: true })).backup_file).toMatch(/~$/);
    expect(readdirSync(dir)).toHaveLength(2);
  });
});

describe('replace', () => {
  it('reads and writes the file in its encoding', async () => {
    const f = path.join(dir, 'latin.txt');
    writeFileSync(f, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const r = await run('replace', { path: f, regexp: 'é', replace: 'e\u00e8', encoding: 'latin-1' });
    expect(r.msg).toBe('1 replacements made');
    expect([...readFileSync(f)]).toEqual([0x63, 0x61, 0x66, 0x65, 0xe8, 0x0a]);
  });
  it('expands \\g<0> and leaves an unmatched group empty', async () => {
    const f = path.join(dir, 'g.txt');
    writeFileSync(f, 'k=v\nk\n');
    await run('replace', { path: f, regexp: '^k(=v)?$', replace: '[\\g<0>|\\1]' });
    expect(readFileSync(f, 'utf8')).toBe('[k=v|=v]\n[k|]\n');
  });
});

describe('modes', () => {
  // expected values: AnsibleModule._symbolic_mode_to_octal on a file with the same mode
  it.each([
    [0o644, 'u+x', 0o744],
    [0o644, 'go-r', 0o600],
    [0o644, 'a=rX', 0o444],
    [0o644, 'u=rwx,g=rx,o=', 0o750],
    [0o644, '+x', 0o755],
    [0o644, 'u+s,g+s', 0o6644],
    [0o644, 'o+t', 0o1644],
    [0o755, 'a=rX', 0o555],
    [0o755, 'go=', 0o700],
  ])('%o with %s gives %o', (start, mode, expected) => {
    const f = path.join(dir, 'm');
    writeFileSync(f, '');
    chmodSync(f, start);
    expect(modeOf(mode, statSync(f), f)).toBe(expected);
  });
  it('an octal string or an int is the mode itself', () => {
    writeFileSync(path.join(dir, 'm'), '');
    expect(modeOf('0600', statSync(path.join(dir, 'm')), path.join(dir, 'm'))).toBe(0o600);
    expect(modeOf(0o640, statSync(path.join(dir, 'm')), path.join(dir, 'm'))).toBe(0o640);
  });
});

describe('template', () => {
  beforeEach(() => {
    writeFileSync(path.join(dir, 't.j2'), 'hello {{ who }}\n');
  });
  // the rendered text is headed as Ansible's template action heads it: the file named after the template in a
  // controller's temporary directory; a destination not there yet has no header
  const renderedHeader = expect.stringMatching(/\/ansible-local-[^/]+\/tmp\/t\.j2$/);
  it('--diff: the destination before, the rendered text after, headed by their paths', async () => {
    const dest = path.join(dir, 'out.txt');
    writeFileSync(dest, 'old\n');
    const r = await run('template', { src: 't.j2', dest }, context({ diff: true }));
    expect(r.diff).toEqual([
      { before: 'old\n', after: 'hello tsible\n', before_header: dest, after_header: renderedHeader },
    ]);
    expect(readFileSync(dest, 'utf8')).toBe('hello tsible\n');
  });
  it('--diff for a new destination: no before header', async () => {
    const r = await run('template', { src: 't.j2', dest: path.join(dir, 'fresh.txt') }, context({ diff: true }));
    expect(r.diff).toEqual([{ before: '', after: 'hello tsible\n', after_header: renderedHeader }]);
  });
  it('check mode reports the change and writes nothing', async () => {
    const dest = path.join(dir, 'new.txt');
    expect(await run('template', { src: 't.j2', dest }, context({ checkMode: true }))).toEqual({
      changed: true,
      diff: [],
    });
    expect(existsSync(dest)).toBe(false);
  });
  it('writes the output_encoding asked for', async () => {
    writeFileSync(path.join(dir, 'e.j2'), 'caf\u00e9\n');
    const dest = path.join(dir, 'e.txt');
    await run('template', { src: 'e.j2', dest, output_encoding: 'latin-1' });
    expect([...readFileSync(dest)]).toEqual([0x63, 0x61, 0x66, 0xe9, 0x0a]);
  });
  it('mode=preserve takes the template file mode', async () => {
    chmodSync(path.join(dir, 't.j2'), 0o600);
    const r = await run('template', { src: 't.j2', dest: path.join(dir, 'p.txt'), mode: 'preserve' });
    expect(r.mode).toBe('0600');
  });
});
