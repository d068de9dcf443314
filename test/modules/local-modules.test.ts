// tempfile, find, assemble, fetch and script called directly, for what their goldens (test/golden/core/files-find,
// files-tempfile, files-fetch, files-assemble, raw-script and files-more-*) cannot show deterministically: random
// names in failures, file systems' odd corners, the delimiter escapes, the regexp errors in Python's words.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ModuleFailure,
  validateArgs,
  type ModuleContext,
  type ModuleDefinition,
  type TaskResult,
} from '../../src/module.js';
import { resolveModule } from '../../modules/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tsible-local-modules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const context = (over: Partial<ModuleContext> = {}) =>
  ({
    checkMode: false,
    diff: false,
    env: process.env,
    basedir: dir,
    host: 'localhost',
    task: { action: 'x' },
    signal: new AbortController().signal,
    warn: () => {},
    ...over,
  }) as unknown as ModuleContext;
async function run(name: string, args: Record<string, unknown>, ctx = context()): Promise<TaskResult> {
  const def = resolveModule(name) as ModuleDefinition;
  const v = validateArgs(def, args, name);
  expect(v.error).toBeUndefined();
  try {
    return await def.run(v.args, ctx);
  } catch (e) {
    if (e instanceof ModuleFailure) return e.result;
    throw e;
  }
}

describe('command', () => {
  it("runs in the play's directory, where creates is looked for, whatever the process's directory", async () => {
    writeFileSync(path.join(dir, 'marker'), '');
    const r = await run('command', { _raw_params: 'pwd' });
    expect(r.stdout).toBe(dir);
    expect((await run('shell', { _raw_params: 'pwd', creates: 'marker' })).msg).toBe(
      "Did not run command since 'marker' exists",
    );
  });
});

describe('tempfile', () => {
  it('fails as mkstemp does in a directory that is not there', async () => {
    const r = await run('tempfile', { path: path.join(dir, 'missing') });
    expect(r.failed).toBe(true);
    expect(r.msg).toMatch(
      new RegExp(`^\\[Errno 2\\] No such file or directory: '${dir}/missing/ansible\\.[a-z0-9_]{8}'$`),
    );
    expect(r.exception).toMatch(/^FileNotFoundError: \[Errno 2\]/);
  });
  it('makes each name once, with the prefix and suffix', async () => {
    const a = await run('tempfile', { path: dir, suffix: '.x' });
    const b = await run('tempfile', { path: dir, suffix: '.x' });
    expect(a.path).not.toBe(b.path);
    expect(path.basename(String(a.path))).toMatch(/^ansible\.[a-z0-9_]{8}\.x$/);
    expect(statSync(String(a.path)).mode & 0o777).toBe(0o600);
  });
});

describe('find', () => {
  it('reads text files line by line, matching at the start, and skips what is not UTF-8', async () => {
    writeFileSync(path.join(dir, 'a.txt'), 'x\r\nneedle here\n');
    writeFileSync(path.join(dir, 'b.bin'), Buffer.from([0xff, 0xfe, 0x6e, 0x65]));
    writeFileSync(path.join(dir, 'c.txt'), 'a needle\n');
    const r = await run('find', { paths: dir, contains: 'needle' });
    expect((r.files as { path: string }[]).map((f) => path.basename(f.path))).toEqual(['a.txt']);
  });
  it('reports an entry that vanished while it walked, and follows linked directories only when asked', async () => {
    mkdirSync(path.join(dir, 'real'));
    writeFileSync(path.join(dir, 'real', 'f'), '');
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
    const plain = await run('find', { paths: dir, recurse: true });
    const followed = await run('find', { paths: dir, recurse: true, follow: true });
    expect(plain.matched).toBe(1);
    expect(followed.matched).toBe(2);
  });
});

describe('assemble', () => {
  it('decodes the delimiter as codecs.escape_decode does, and ends it with a newline', async () => {
    mkdirSync(path.join(dir, 'frags'));
    writeFileSync(path.join(dir, 'frags', '1'), 'a');
    writeFileSync(path.join(dir, 'frags', '2'), 'b\n');
    const dest = path.join(dir, 'out');
    await run('assemble', { src: path.join(dir, 'frags'), dest, delimiter: '\\t-\\x41\\101' });
    expect(readFileSync(dest, 'utf8')).toBe('a\n\t-AA\nb\n');
  });
  it("words regexp errors as Python's re does", async () => {
    mkdirSync(path.join(dir, 'frags'));
    const at = { src: path.join(dir, 'frags'), dest: path.join(dir, 'out') };
    expect((await run('assemble', { ...at, regexp: 'a)' })).msg).toBe(
      'Invalid Regexp (unbalanced parenthesis at position 1) in "a)"',
    );
    expect((await run('assemble', { ...at, regexp: '[a' })).msg).toBe(
      'Invalid Regexp (unterminated character set at position 0) in "[a"',
    );
    expect((await run('assemble', { ...at, regexp: '*a' })).msg).toBe(
      'Invalid Regexp (nothing to repeat at position 0) in "*a"',
    );
  });
});

describe('fetch', () => {
  it('writes into dest/<host>/<source path> and is unchanged the second time', async () => {
    writeFileSync(path.join(dir, 'src.txt'), 'data\n');
    const args = { src: path.join(dir, 'src.txt'), dest: path.join(dir, 'tree') };
    const first = await run('fetch', args);
    expect(first).toMatchObject({ changed: true, dest: path.join(dir, 'tree', 'localhost', dir, 'src.txt') });
    expect(await run('fetch', args)).toMatchObject({ changed: false, file: path.join(dir, 'src.txt') });
  });
});
