// tsible's YAML loader against Ansible's (libyaml with Ansible's constructors) on small snippets, one for each
// leniency, YAML 1.1 rule and refusal the loader reproduces: the answers were recorded from ansible-core 2.14 by
// scripts/yaml-record.mjs (test/yaml/pyyaml/expected.json) and are compared the way scripts/yaml-compare.mjs compares
// whole files.
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the scripts, without types
import { encoder, loadWithTsible, verdict } from '../../scripts/yaml-encode.mjs';
import * as python from '../../src/python/python.js';
import * as vault from '../../src/vault/index.js';
import * as loader from '../../src/yaml/loader.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pyyaml');
const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<string, unknown>;
const lib = { ...loader, ...python, ...vault };
const encode = encoder(lib);
const cases = readdirSync(path.join(dir, 'cases'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => f.replace(/\.yml$/, ''))
  .sort();

describe("YAML loads as Ansible's loader loads it", () => {
  it('has an answer recorded for every case', () => {
    expect(cases.filter((c) => !(c in expected))).toEqual([]);
  });

  it.each(cases)('%s', (name) => {
    const text = readFileSync(path.join(dir, 'cases', `${name}.yml`), 'utf8');
    const ours = loadWithTsible(lib, encode, text, `<${name}>`);
    const same = verdict(expected[name], ours);
    if (!same.startsWith('identical') && !same.startsWith('same'))
      expect({ tsible: ours, verdict: same }).toEqual({ tsible: expected[name], verdict: 'identical' });
  });
});
