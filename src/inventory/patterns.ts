// Host patterns as ansible-core 2.14's InventoryManager reads them (`hosts:` and --limit): names, groups, globs and
// `~regex`, `:`/`,` unions, `&` intersections and `!` exclusions applied in that order, subscripts (`web[0]`,
// `web[-1]`, `web[0:2]`, `web[1:]`), the implicit localhost, and a warning for a pattern that matches nothing.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { TsibleError } from '../errors.js';
import { pyStr } from '../python/python.js';
import { fnmatchTranslate } from '../python/fnmatch.js';
import { isImplicitLocalhostName, type Inventory } from './inventory.js';

type Warn = (message: string) => void;

/** split_host_pattern: a list, a `,`-separated text, one address (IPv6, a range), or a `:`-separated text. */
export function splitHostPattern(pattern: unknown): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap(splitHostPattern);
  const text = pyStr(pattern);
  const parts = text.includes(',')
    ? text.split(',')
    : isAddress(text)
      ? [text]
      : (text.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []);
  return parts.map((p) => p.trim()).filter(Boolean);
}

// parse_address(allow_ranges=True), far enough to tell one host (with ranges, or a port) from a `:` list
const RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const LABEL = String.raw`(?:[\w]|${RANGE})(?:[\w-]|${RANGE})*(?<![_-])`;
const HOSTNAME = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'i');
const IPV6 = /^(?=.*:.*:)[0-9a-f:.[\]]+$/i;
function isAddress(text: string): boolean {
  const port = /^\[(.+)\]:[0-9]+$/.exec(text) ?? /^((?:[^:[\]]|\[[^\]]*\])*):[0-9]+$/.exec(text);
  const host = port ? port[1]! : text;
  return HOSTNAME.test(host) || IPV6.test(host);
}

/** order_patterns: plain patterns first (`all` when there is none), then `&` ones, then `!` ones. */
function orderPatterns(patterns: readonly string[]): string[] {
  const given = patterns.filter(Boolean);
  const regular = given.filter((p) => p[0] !== '!' && p[0] !== '&');
  return [
    ...(regular.length ? regular : ['all']),
    ...given.filter((p) => p[0] === '&'),
    ...given.filter((p) => p[0] === '!'),
  ];
}

type Subscript = [start: number, end: number | undefined];
const WITH_SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;

/** _split_subscript: `web[1:]` as `web` and its range (a regex keeps its brackets). */
function splitSubscript(pattern: string, warn: Warn): [string, Subscript | undefined] {
  const m = pattern[0] === '~' ? null : WITH_SUBSCRIPT.exec(pattern);
  if (!m) return [pattern, undefined];
  const [, expr, index, start, sep, end] = m;
  if (index !== undefined) return [expr!, [Number(index), undefined]];
  if (sep === '-') warn('Use [x:y] inclusive subscripts instead of [x-y] which has been removed');
  return [expr!, [Number(start), end ? Number(end) : -1]];
}

/** _apply_subscript: Python's indexing and inclusive slicing; an index past the end is an error. */
function applySubscript(hosts: string[], subscript: Subscript | undefined, pattern: string): string[] {
  if (!hosts.length || !subscript) return hosts;
  const [start, end] = subscript;
  if (end) return hosts.slice(start, end === -1 ? hosts.length : end + 1);
  const at = start < 0 ? hosts.length + start : start;
  if (at < 0 || at >= hosts.length) throw new TsibleError(`No hosts matched the subscripted pattern '${pattern}'`);
  return [hosts[at]!];
}

/** fnmatch.translate, compiled. */
// a play's pattern is matched every time the play runs (the explorer runs it thousands of times): compiled once
const globs = new Map<string, RegExp>();
function globToRegExp(glob: string): RegExp {
  let re = globs.get(glob);
  if (!re) globs.set(glob, (re = fnmatchTranslate(glob)));
  return re;
}
/** _match_list: the names a glob or a `~regex` (matched at the start, as re.match does) selects. */
function matchList(names: Iterable<string>, pattern: string): string[] {
  let re: RegExp;
  try {
    re = pattern[0] === '~' ? new RegExp(`^(?:${pattern.slice(1)})`) : globToRegExp(pattern);
  } catch {
    throw new TsibleError(`Invalid host list pattern: ${pattern}`);
  }
  return [...names].filter((n) => re.test(n));
}

/** Group.get_hosts: the group's own hosts, then its descendants' (breadth first), each once. */
export function groupHosts(inv: Inventory, name: string): string[] {
  const order = [name];
  for (let i = 0; i < order.length; i++)
    for (const child of inv.groups.get(order[i]!)?.children ?? []) if (!order.includes(child)) order.push(child);
  const hosts = new Set<string>();
  for (const g of order) for (const h of inv.groups.get(g)?.hosts ?? []) hosts.add(h);
  return [...hosts];
}

/** _enumerate_matches: the groups the pattern names (their hosts), else (or for a glob or regex) the hosts it
 * names; the implicit localhost; a warning when nothing matched. Duplicates stay, as subscripts count them. */
function enumerateMatches(inv: Inventory, pattern: string, warn: Warn): string[] {
  const groups = matchList(inv.groups.keys(), pattern);
  const results = groups.flatMap((g) => groupHosts(inv, g));
  if (!groups.length || pattern[0] === '~' || /[.?*[]/.test(pattern))
    results.push(...matchList(inv.hosts.keys(), pattern));
  if (!results.length && isImplicitLocalhostName(pattern)) results.push(pattern);
  if (!results.length && !groups.length && pattern !== 'all')
    warn(`Could not match supplied host pattern, ignoring: ${pattern}`);
  return results;
}

/** _evaluate_patterns: unions in order, then intersections, then exclusions. */
function evaluatePatterns(inv: Inventory, patterns: readonly string[], warn: Warn): string[] {
  let hosts: string[] = [];
  for (const p of orderPatterns(patterns)) {
    if (inv.hosts.has(p)) {
      hosts.push(p);
      continue;
    }
    const kind = p[0] === '!' || p[0] === '&' ? p[0] : '';
    const bare = kind ? p.slice(1) : p;
    const [expr, subscript] = splitSubscript(bare, warn);
    const that = applySubscript(enumerateMatches(inv, expr, warn), subscript, bare);
    if (kind === '!') hosts = hosts.filter((h) => !that.includes(h));
    else if (kind === '&') hosts = hosts.filter((h) => that.includes(h));
    else {
      const existing = new Set(hosts);
      hosts.push(...that.filter((h) => !existing.has(h)));
    }
  }
  return hosts;
}

/** What an inventory has warned about already: Ansible caches each pattern's hosts and prints a warning once. */
const warnedBy = new WeakMap<Inventory, Set<string>>();
function warnOnce(inv: Inventory, warn: Warn | undefined): Warn {
  let seen = warnedBy.get(inv);
  if (!seen) warnedBy.set(inv, (seen = new Set()));
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    warn?.(message);
  };
}

/**
 * get_hosts: the hosts a pattern (text or list) selects, in inventory order, each once, within the run's --limit
 * unless `ignoreLimits`. `warn` hears of patterns that match nothing, once per inventory.
 */
export function matchHosts(inv: Inventory, pattern: unknown, opts: { ignoreLimits?: boolean; warn?: Warn } = {}) {
  const warn = warnOnce(inv, opts.warn);
  let hosts = evaluatePatterns(inv, splitHostPattern(pattern), warn);
  if (inv.limit && !opts.ignoreLimits) {
    const allowed = new Set(evaluatePatterns(inv, inv.limit.patterns, warn));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  return [...new Set(hosts)];
}

/** InventoryManager.subset: the --limit patterns, `@file` read as one pattern a line. */
function limitPatterns(limit: string): string[] {
  return splitHostPattern(limit).flatMap((p) => {
    if (p[0] !== '@') return [p];
    const file = p.slice(1);
    if (!existsSync(file)) throw new TsibleError(`Unable to find limit file b'${file}'`);
    if (!statSync(file).isFile())
      throw new TsibleError(`Limit starting with "@" must be a file, not a directory: b'${file}'`);
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim());
  });
}

/**
 * CLI.get_host_list: applies --limit to the inventory; an inventory that had hosts and has none left within the
 * limit is an error (one that had none, only the implicit localhost, is not).
 */
export function applyLimit(inv: Inventory, limit: string, warn?: Warn): void {
  const hadHosts = matchHosts(inv, 'all', { warn }).length > 0;
  inv.limit = { text: limit, patterns: limitPatterns(limit) };
  if (hadHosts && !matchHosts(inv, 'all', { warn }).length)
    throw new TsibleError('Specified inventory, host pattern and/or --limit leaves us with no hosts to target.');
}
