// The layering of docs/architecture.md, checked: a folder imports only from folders below it (`import type`
// included), so no two folders form a cycle; and nothing is exported that no other file uses.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Lowest first. A unit is a top-level folder (filters, lookups, modules), a folder of src/, or a file of src/. */
const LAYERS: readonly (readonly string[])[] = [
  ['src/errors'],
  ['src/python'],
  ['src/vault'],
  ['src/yaml'],
  ['src/config-ini', 'src/ansible-cfg'],
  ['src/config'],
  ['filters'],
  ['src/endpoint'],
  ['src/aws'],
  ['src/module'],
  ['modules'],
  ['src/playbook'],
  ['lookups'],
  ['src/template'],
  ['src/inventory'],
  ['src/facts'],
  ['src/vars'],
  ['src/executor'],
  ['src/output', 'src/debugger'],
  ['src/explorer'],
  ['src/api'],
  ['src/testing'],
  ['src/cli'],
  ['src/index'],
];
const SOURCE_ROOTS = ['src', 'modules', 'filters', 'lookups'];

function tsFiles(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(path.join(root, dir));
  } catch {
    return out;
  }
  for (const name of names) {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) out = out.concat(tsFiles(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function unitOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'src') return parts[0]!;
  return parts.length > 2 ? `src/${parts[1]}` : `src/${parts[1]!.replace(/\.ts$/, '')}`;
}

/** Relative imports of a file (static, type-only, re-exports and dynamic), resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specs = [
    ...text.matchAll(/\b(?:import|export)\s[^;'"]*?\bfrom\s*'(\.[^']+)'/gs),
    ...text.matchAll(/\bimport\s*\(\s*'(\.[^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.js$/, '.ts'));
}

const layerOf = new Map<string, number>();
LAYERS.forEach((units, i) => units.forEach((u) => layerOf.set(u, i)));

const sources = SOURCE_ROOTS.flatMap(tsFiles);

describe('architecture', () => {
  it('every source folder has a place in the layering', () => {
    const missing = [...new Set(sources.map(unitOf))].filter((u) => !layerOf.has(u));
    expect(missing).toEqual([]);
  });

  it('imports go only downward (no cycles between folders)', () => {
    const upward: string[] = [];
    for (const file of sources) {
      const from = unitOf(file);
      for (const target of importsOf(file)) {
        const to = unitOf(target);
        if (to !== from && layerOf.get(to)! >= layerOf.get(from)!) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('no export is left that no other file uses', () => {
    const users = [...sources, ...tsFiles('test'), ...tsFiles('bench'), ...tsFiles('examples'), 'bin/tsible.js'];
    const importers = new Map<string, string[]>();
    for (const file of users)
      // bin/tsible.js runs dist/bundle/main.js, the bundle of src/cli/main.ts
      for (const target of importsOf(file).map((t) => t.replace(/^dist\/bundle\//, 'src/cli/').replace(/^dist\//, '')))
        importers.set(target, [...(importers.get(target) ?? []), file]);
    const unused: string[] = [];
    for (const file of sources) {
      const text = readFileSync(path.join(root, file), 'utf8');
      const names = [
        ...text.matchAll(
          /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm,
        ),
      ].map((m) => m[1]!);
      const readers = (importers.get(file) ?? []).map((f) => readFileSync(path.join(root, f), 'utf8'));
      // a namespace import (`import * as control`) may use every export without naming it
      const specifier = new RegExp(`import \\* as \\w+ from '[^']*/${path.posix.basename(file, '.ts')}\\.js'`);
      if (readers.some((t) => specifier.test(t))) continue;
      for (const name of names) {
        const word = new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`);
        if (!readers.some((t) => word.test(t))) unused.push(`${file}: ${name}`);
      }
    }
    expect(unused).toEqual([]);
  });
});
