// The text of a `diff` result, as CallbackBase._get_diff prints it: Python difflib's unified_diff over the
// before/after texts (SequenceMatcher's matching, autojunk included, so hunks split where Python splits them).
import { isDict } from '../python/python.js';
import { pyJson } from '../python/pyjson.js';

type Opcode = readonly ['equal' | 'replace' | 'delete' | 'insert', number, number, number, number];

/** difflib.SequenceMatcher(None, a, b) over lines: the parts of it unified_diff uses. */
class SequenceMatcher {
  readonly #b2j = new Map<string, number[]>();
  constructor(
    readonly a: readonly string[],
    readonly b: readonly string[],
  ) {
    b.forEach((line, j) => {
      const at = this.#b2j.get(line);
      if (at) at.push(j);
      else this.#b2j.set(line, [j]);
    });
    // autojunk: in a long b, lines more frequent than 1% are never used to start a match
    if (b.length >= 200) {
      const limit = Math.floor(b.length / 100) + 1;
      for (const [line, at] of [...this.#b2j]) if (at.length > limit) this.#b2j.delete(line);
    }
  }

  longestMatch(alo: number, ahi: number, blo: number, bhi: number): [number, number, number] {
    const { a, b } = this;
    let [besti, bestj, bestsize] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.#b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1])
      [besti, bestj, bestsize] = [besti - 1, bestj - 1, bestsize + 1];
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
    return [besti, bestj, bestsize];
  }

  matchingBlocks(): [number, number, number][] {
    const queue: [number, number, number, number][] = [[0, this.a.length, 0, this.b.length]];
    const blocks: [number, number, number][] = [];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const [i, j, k] = this.longestMatch(alo, ahi, blo, bhi);
      if (!k) continue;
      blocks.push([i, j, k]);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const merged: [number, number, number][] = [];
    for (const [i, j, k] of blocks) {
      const last = merged[merged.length - 1];
      if (last && last[0] + last[2] === i && last[1] + last[2] === j) last[2] += k;
      else merged.push([i, j, k]);
    }
    merged.push([this.a.length, this.b.length, 0]);
    return merged;
  }

  opcodes(): Opcode[] {
    let [i, j] = [0, 0];
    const out: Opcode[] = [];
    for (const [ai, bj, size] of this.matchingBlocks()) {
      const tag = i < ai && j < bj ? 'replace' : i < ai ? 'delete' : j < bj ? 'insert' : undefined;
      if (tag) out.push([tag, i, ai, j, bj]);
      [i, j] = [ai + size, bj + size];
      if (size) out.push(['equal', ai, i, bj, j]);
    }
    return out;
  }

  groupedOpcodes(n: number): Opcode[][] {
    const codes = this.opcodes();
    if (!codes.length) codes.push(['equal', 0, 1, 0, 1]);
    const [ft, fi1, fi2, fj1, fj2] = codes[0]!;
    if (ft === 'equal') codes[0] = [ft, Math.max(fi1, fi2 - n), fi2, Math.max(fj1, fj2 - n), fj2];
    const [lt, li1, li2, lj1, lj2] = codes[codes.length - 1]!;
    if (lt === 'equal') codes[codes.length - 1] = [lt, li1, Math.min(li2, li1 + n), lj1, Math.min(lj2, lj1 + n)];
    const groups: Opcode[][] = [];
    let group: Opcode[] = [];
    for (const code of codes) {
      const [tag, , i2, , j2] = code;
      let [, i1, , j1] = code;
      if (tag === 'equal' && i2 - i1 > 2 * n) {
        group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
        groups.push(group);
        group = [];
        [i1, j1] = [Math.max(i1, i2 - n), Math.max(j1, j2 - n)];
      }
      group.push([tag, i1, i2, j1, j2]);
    }
    if (group.length && !(group.length === 1 && group[0]![0] === 'equal')) groups.push(group);
    return groups;
  }
}

const unifiedRange = (start: number, stop: number): string => {
  const length = stop - start;
  if (length === 1) return `${start + 1}`;
  return `${length ? start + 1 : start},${length}`;
};

/** difflib.unified_diff(a, b, fromfile, tofile, n=n) as its list of lines. */
function unifiedDiff(a: readonly string[], b: readonly string[], files: [string, string], n = 3): string[] {
  const out: string[] = [];
  for (const group of new SequenceMatcher(a, b).groupedOpcodes(n)) {
    if (!out.length) out.push(`--- ${files[0]}\n`, `+++ ${files[1]}\n`);
    const [first, last] = [group[0]!, group[group.length - 1]!];
    out.push(`@@ -${unifiedRange(first[1], last[2])} +${unifiedRange(first[3], last[4])} @@\n`);
    for (const [tag, i1, i2, j1, j2] of group) {
      if (tag === 'equal') {
        for (const line of a.slice(i1, i2)) out.push(' ' + line);
        continue;
      }
      if (tag !== 'insert') for (const line of a.slice(i1, i2)) out.push('-' + line);
      if (tag !== 'delete') for (const line of b.slice(j1, j2)) out.push('+' + line);
    }
  }
  return out;
}

/** str.splitlines(True): Python's line boundaries, each kept on its line. */
const splitLinesKeep = (text: string): string[] =>
  text.match(/[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g)!.filter(Boolean);

const diffText = (v: unknown): string =>
  isDict(v) ? pyJson(v, { indent: 4, sortKeys: true }) + '\n' : v === null || v === undefined ? '' : String(v);

/** A diff line's colour: additions, removals, hunk headers (C.COLOR_DIFF_*). */
export type DiffColor = 'add' | 'remove' | 'lines' | undefined;

/** CallbackBase._get_diff: the text shown for a result's `diff` (a dict or a list of them). */
export function diffOutput(diff: unknown, color: (line: string, kind: DiffColor) => string): string {
  const out: string[] = [];
  for (const d of (Array.isArray(diff) ? diff : [diff]) as Record<string, unknown>[]) {
    if (!isDict(d)) continue;
    if ('dst_binary' in d) out.push('diff skipped: destination file appears to be binary\n');
    if ('src_binary' in d) out.push('diff skipped: source file appears to be binary\n');
    if ('dst_larger' in d) out.push(`diff skipped: destination file size is greater than ${String(d.dst_larger)}\n`);
    if ('src_larger' in d) out.push(`diff skipped: source file size is greater than ${String(d.src_larger)}\n`);
    if ('before' in d && 'after' in d) {
      const [before, after] = [splitLinesKeep(diffText(d.before)), splitLinesKeep(diffText(d.after))];
      for (const lines of [before, after])
        if (lines.length && !lines[lines.length - 1]!.endsWith('\n'))
          lines[lines.length - 1] += '\n\\ No newline at end of file\n';
      const headers: [string, string] = [
        'before_header' in d ? `before: ${String(d.before_header)}` : 'before',
        'after_header' in d ? `after: ${String(d.after_header)}` : 'after',
      ];
      const lines = unifiedDiff(before, after, headers);
      for (const line of lines)
        out.push(
          color(
            line,
            line.startsWith('+')
              ? 'add'
              : line.startsWith('-')
                ? 'remove'
                : line.startsWith('@@')
                  ? 'lines'
                  : undefined,
          ),
        );
      if (lines.length) out.push('\n');
    }
    if ('prepared' in d) out.push(String(d.prepared));
  }
  return out.join('');
}
