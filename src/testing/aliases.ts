// Targets and their aliases as ansible-test sees them: the aliases file, the groups derived from it and the
// target's name, which targets are hidden, which patterns select a target, and the aliases that keep a target from
// running unless allowed.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** A target folder: its name, the aliases its file lists and every alias ansible-test matches patterns against. */
export interface TargetInfo {
  readonly dir: string;
  readonly name: string;
  /** The lines of its aliases file. */
  readonly aliases: readonly string[];
  /** The expanded aliases: the name, each group as `group/` and `group/name`, with group prefixes. */
  readonly matchable: readonly string[];
  readonly hidden: boolean;
}

function readAliases(dir: string): string[] {
  const file = path.join(dir, 'aliases');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** ansible-test runs a folder as a target when it has a runme.sh (script) or tasks/main (role). */
export function targetKind(dir: string): 'script' | 'role' | undefined {
  if (existsSync(path.join(dir, 'runme.sh'))) return 'script';
  if (['main.yml', 'main.yaml'].some((f) => existsSync(path.join(dir, 'tasks', f)))) return 'role';
  return undefined;
}

/** Groups from the aliases file and the name, each with its prefixes (`shippable/aws/group2` gives `shippable`
 * and `shippable/aws` too); setup_/prepare_ targets and folders that are neither script nor role are hidden. */
function groupsOf(name: string, dir: string, aliases: readonly string[]): string[] {
  const groups = [...aliases];
  if (!groups.includes('destructive')) groups.push('non_destructive');
  if (name.startsWith('win_')) groups.push('windows');
  if (name.startsWith('connection_')) groups.push('connection');
  if (name.startsWith('setup_') || name.startsWith('prepare_') || !targetKind(dir)) groups.push('hidden');
  for (const g of [...groups]) {
    const parts = g.split('/');
    for (let i = 1; i < parts.length; i++) groups.push(parts.slice(0, i).join('/'));
  }
  if (!groups.some((g) => ['windows', 'network'].includes(g))) groups.push('posix');
  return [...new Set(groups)];
}

export function targetInfo(dir: string): TargetInfo {
  const resolved = path.resolve(dir);
  const name = path.basename(resolved);
  const aliases = readAliases(resolved);
  const groups = groupsOf(name, resolved, aliases);
  let matchable = [name, ...groups.map((g) => `${g}/`), ...groups.map((g) => `${g}/${name}`)];
  const hidden = groups.includes('hidden');
  if (hidden) matchable = ['hidden/', ...matchable.filter((a) => !a.startsWith('hidden/')).map((a) => `hidden/${a}`)];
  return { dir: resolved, name, aliases, matchable: [...new Set(matchable)].sort(), hidden };
}

/** Whether a folder is itself a target (rather than a folder of targets). */
export const isTargetDir = (dir: string) => Boolean(targetKind(dir)) || existsSync(path.join(dir, 'aliases'));

/** The targets in a folder of targets, by name. */
export function listTargets(targetsDir: string): TargetInfo[] {
  return readdirSync(targetsDir)
    .filter((n) => !n.startsWith('.') && statSync(path.join(targetsDir, n)).isDirectory())
    .sort()
    .map((n) => targetInfo(path.join(targetsDir, n)));
}

/** ansible-test's selection: each pattern is a regular expression matched against a whole alias; no pattern
 * selects every target that is not hidden. Patterns that match nothing are returned for the error. */
export function selectTargets(
  targets: readonly TargetInfo[],
  patterns: readonly string[],
): { selected: TargetInfo[]; unmatched: string[] } {
  if (!patterns.length) return { selected: targets.filter((t) => !t.hidden), unmatched: [] };
  const compiled = patterns.map((p) => ({ p, re: new RegExp(`^(?:${p})$`) }));
  const used = new Set<string>();
  const selected = targets.filter((t) => {
    const hits = compiled.filter(({ re }) => t.matchable.some((a) => re.test(a)));
    for (const { p } of hits) used.add(p);
    return hits.length > 0;
  });
  return { selected, unmatched: patterns.filter((p) => !used.has(p)) };
}

/** What the run allows that ansible-test skips by default. */
export interface AliasGates {
  readonly allowDisabled?: boolean;
  readonly allowUnsupported?: boolean;
  readonly allowUnstable?: boolean;
  readonly allowDestructive?: boolean;
  /** The patterns given: `disabled/NAME` and the like allow one target, as in ansible-test. */
  readonly patterns?: readonly string[];
}

/** The first alias that keeps the target from running, unless allowed by option or by a pattern with its prefix. */
export function gatedAlias(target: TargetInfo, gates: AliasGates): string | undefined {
  const gate: Array<[string, boolean | undefined]> = [
    ['destructive', gates.allowDestructive],
    ['disabled', gates.allowDisabled],
    ['unsupported', gates.allowUnsupported],
    ['unstable', gates.allowUnstable],
  ];
  const overridden = (alias: string) =>
    (gates.patterns ?? [])
      .filter((p) => p.startsWith(`${alias}/`))
      .some((p) => target.matchable.some((a) => new RegExp(`^(?:${p})$`).test(a)));
  return gate.find(([alias, allowed]) => target.aliases.includes(alias) && !allowed && !overridden(alias))?.[0];
}

/** `--split K/N`: the K-th of N machines takes every N-th target of the sorted list, starting at its own. */
export function splitTargets<T extends { readonly name: string }>(targets: readonly T[], k: number, n: number): T[] {
  return [...targets]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((_, i) => i % n === k - 1);
}
