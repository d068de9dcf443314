import { describe, expect, it } from 'vitest';
import {
  decodeYamlFile,
  loadYaml,
  posOf,
  secondDocumentError,
  setPos,
  UnsafeText,
  valuePos,
} from '../../src/yaml/loader.js';
import { ParseError } from '../../src/errors.js';
import { VaultText } from '../../src/vault/index.js';
import { MAX_EXPANDED_NODES, expandedSize, oversizeMessage } from '../../src/python/expanded-size.js';
import { pyJson } from '../../src/python/pyjson.js';
import { pyRepr } from '../../src/python/python.js';

describe('loadYaml', () => {
  it('resolves scalars as Ansible 2.14 (PyYAML, YAML 1.1) does', () => {
    // Ansible's answer for this document is recorded in shared/GUIDE.md (measured with ansible-core 2.14)
    const doc =
      '{a: &x {k: yes}, b: {<<: *x, j: on, o: 0755, n: ~, y: n, t: True, s: 1:30, u: 1_000, h: 0x1F, p: 0o17, f: 1e3, g: .inf, d: 2001-12-14, e: }}';
    const { documents } = loadYaml(doc, 'doc.yml');
    expect((documents[0] as any).b).toEqual({
      k: true,
      j: true,
      o: 493,
      n: null,
      y: 'n',
      t: true,
      s: 90,
      u: 1000,
      h: 31,
      p: '0o17',
      f: '1e3',
      g: Infinity,
      d: '2001-12-14',
      e: null,
    });
  });

  it('keeps quoted scalars as strings and records positions of mappings', () => {
    const { documents } = loadYaml('- name: a\n  debug:\n    msg: "yes"\n- name: b\n  x: \'1\'\n', 't.yml');
    const tasks = documents[0] as any[];
    expect(tasks[0].debug.msg).toBe('yes');
    expect(tasks[1].x).toBe('1');
    expect(posOf(tasks[1])).toEqual({ file: 't.yml', line: 4, column: 3 });
  });

  it('applies merge keys with explicit keys winning, and shares aliased nodes', () => {
    const { documents } = loadYaml('base: &b {region: r1, key: k}\nuse:\n  <<: *b\n  region: r2\nagain: *b\n', 'm.yml');
    const d = documents[0] as any;
    expect(d.use).toEqual({ region: 'r2', key: 'k' });
    expect(d.again).toBe(d.base);
  });

  it('loads a billion-laughs document without expanding it: its aliases share one node each', () => {
    // Ansible 2.14 runs a play whose vars hold this bomb when nothing uses it (measured with ansible-playbook:
    // test/golden/core/alias-bomb-unused.yml); PyYAML shares aliased nodes as this loader does
    let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 0; i < 9; i++) {
      const n = String.fromCharCode(98 + i),
        p = String.fromCharCode(97 + i);
      bomb += `${n}: &${n} [${Array(9)
        .fill('*' + p)
        .join(',')}]\n`;
    }
    const d = loadYaml(bomb, 'bomb.yml').documents[0] as any;
    expect(d.j).toHaveLength(9);
    expect(d.j[0]).toBe(d.i);
    expect(d.j[8]).toBe(d.i);
    expect(expandedSize(d.b)).toBe(1 + 9 * 10);
    expect(expandedSize(d.c)).toBe(1 + 9 * 91);
    expect(expandedSize(d)).toBeGreaterThan(MAX_EXPANDED_NODES);
    expect(() => pyJson(d.j)).toThrow(oversizeMessage());
    expect(() => pyRepr(d)).toThrow(/size limit of 5000000 nodes/);
    expect(pyJson(d.b)).toBe(JSON.stringify(d.b).replaceAll(',', ', '));
  });

  it('marks !unsafe strings, and keeps !vault values encrypted with their position', () => {
    const { documents } = loadYaml('a: !unsafe "{{ x }}"\n', 'u.yml');
    expect((documents[0] as any).a).toBeInstanceOf(UnsafeText);
    expect((documents[0] as any).a.value).toBe('{{ x }}');
    const vaulted = loadYaml('b: 1\nsecret: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n', 'v.yml')
      .documents[0] as any;
    expect(vaulted.secret).toBeInstanceOf(VaultText);
    expect(vaulted.secret.ciphertext).toBe('$ANSIBLE_VAULT;1.1;AES256\n6162\n');
    expect(vaulted.secret.pos?.line).toBe(2);
  });

  it('warns about duplicate keys, keeping the last value', () => {
    const { documents, warnings } = loadYaml('- a: 1\n  a: 2\n', 'dup.yml');
    expect((documents[0] as any)[0].a).toBe(2);
    expect(warnings).toEqual([
      'While constructing a mapping from dup.yml, line 1, column 3, found a duplicate dict key (a). Using last defined value only.',
    ]);
  });

  it('reports syntax errors with file, line and column', () => {
    try {
      loadYaml('a: 1\n- b\n', 'bad.yml');
      expect.unreachable();
    } catch (e) {
      expect((e as ParseError).pos).toEqual({ file: 'bad.yml', line: 2, column: 1 });
      expect((e as ParseError).message).toMatch(
        /^We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: Expecting value: line 1 column 1 \(char 0\)\n\nSyntax Error while loading YAML\./,
      );
    }
  });

  it("wants a dash after a list entry that is a flow collection followed by more text, in libyaml's words", () => {
    // test/differential/filters/filter-tests-unquoted-list.yml, as ansible-playbook 2.14 reported it
    const text = 'that:\n  - x is defined\n  - [1, 2] is subset([1, 2, 3])\n';
    expect(() => loadYaml(text, 'list.yml')).toThrow(/did not find expected '-' indicator/);
  });
});

describe('readYamlFile (parsed files are reused while their text is unchanged)', () => {
  it('gives each caller its own copy, with positions, and reads a changed file again', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { readYamlFile } = await import('../../src/playbook/loader.js');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tsible-yaml-')), 'tasks.yml');
    writeFileSync(file, '- name: one\n  debug: {msg: a}\n');
    const first = readYamlFile(file).documents[0] as any[];
    first[0].debug.msg = 'changed by a caller';
    const second = readYamlFile(file).documents[0] as any[];
    expect(second[0].debug.msg).toBe('a');
    expect(posOf(second[0])).toMatchObject({ file, line: 1 });
    expect(posOf(second[0].debug)).toMatchObject({ line: 2 });
    writeFileSync(file, '- name: two\n  debug: {msg: b}\n');
    expect((readYamlFile(file).documents[0] as any[])[0]).toEqual({ name: 'two', debug: { msg: 'b' } });
  });
});

describe('positions of values', () => {
  it('records where each string, mapping and sequence value is, as ansible_pos does (numbers have none)', () => {
    const { documents } = loadYaml('- hosts: all\n  vars: abc\n  n: 1\n- just a string\n- &a x\n- *a\n', 'p.yml');
    const plays = documents[0] as any[];
    expect(valuePos(plays, 1)).toEqual({ file: 'p.yml', line: 4, column: 3 });
    expect(valuePos(plays[0], 'vars')).toEqual({ file: 'p.yml', line: 2, column: 9 });
    expect(valuePos(plays[0], 'n')).toBeUndefined();
    // an alias is its anchor's node, there
    expect(valuePos(plays, 3)).toEqual({ file: 'p.yml', line: 5, column: 3 });
    // a copy that keeps the container's position keeps its values' positions
    const copy = [...plays];
    setPos(copy, posOf(plays));
    expect(valuePos(copy, 1)).toEqual(valuePos(plays, 1));
  });
});

describe('refusals in libyaml and Python words', () => {
  it('names the second document of a file that must have one', () => {
    expect(secondDocumentError('d.yml', '# c\n--- 1\n--- 2\n').pos).toEqual({ file: 'd.yml', line: 3, column: 1 });
    expect(secondDocumentError('d.yml', 'a: 1\n---\nb: 2\n').pos).toEqual({ file: 'd.yml', line: 2, column: 1 });
  });

  it("refuses a file that is not UTF-8 as Python's encoder does", () => {
    expect(() => decodeYamlFile(Buffer.from('# r\xe9sum\xe9\n', 'latin1'))).toThrow(
      "'utf-8' codec can't encode character '\\udce9' in position 3: surrogates not allowed",
    );
    expect(() => decodeYamlFile(Buffer.from('\xff\xfe-\x00', 'latin1'))).toThrow(
      "'utf-8' codec can't encode characters in position 0-1: surrogates not allowed",
    );
    expect(decodeYamlFile(Buffer.from('caf\u00e9 \ufffd', 'utf8'))).toBe('caf\u00e9 \ufffd');
  });

  it('warns of a duplicate key, or refuses or ignores it as ANSIBLE_DUPLICATE_YAML_DICT_KEY says', () => {
    const text = 'a: 1\nb: 2\na: 3\n';
    expect(loadYaml(text, 'k.yml').warnings).toEqual([
      'While constructing a mapping from k.yml, line 1, column 1, found a duplicate dict key (a). Using last defined value only.',
    ]);
    const saved = process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY;
    try {
      process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY = 'ignore';
      expect(loadYaml(text, 'k.yml')).toEqual({ documents: [{ a: 3, b: 2 }], warnings: [] });
      process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY = 'error';
      expect(() => loadYaml(text, 'k.yml')).toThrow(/\n {2}While constructing a mapping from k.yml, line 1, column 1/);
    } finally {
      if (saved === undefined) delete process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY;
      else process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY = saved;
    }
  });
});
