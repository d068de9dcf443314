// What --diff prints for a changed result: CallbackBase._get_diff (dicts serialised as JSON, text as a unified
// diff with Python difflib's SequenceMatcher, or why there is no diff), so hunks match Ansible's line for line.
import { isDict } from '../python/python.js';
import { pyJson } from '../python/pyjson.js';

type Opcode = readonly [tag: 'equal' | 'replace' | 'delete' | 'insert', i1: number, i2: number, j1: number, j2: number];

/** difflib.SequenceMatcher(None, a, b) with its autojunk rule (popular lines of long texts are not anchors). */
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
    if (b.length >= 200) {
      const limit = Math.floor(b.length / 100) + 1;
      for (const [line, at] of this.#b2j) if (at.length > limit) this.#b2j.delete(line);
    }
  }
  #longestMatch(alo: number, ahi: number, blo: number, bhi: number): [number, number, number] {
    const { a, b } = this;
    let [bi, bj, size] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.#b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > size) [bi, bj, size] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    while (bi > alo && bj > blo && a[bi - 1] === b[bj - 1]) [bi, bj, size] = [bi - 1, bj - 1, size + 1];
    while (bi + size < ahi && bj + size < bhi && a[bi + size] === b[bj + size]) size++;
    return [bi, bj, size];
  }
  matchingBlocks(): [number, number, number][] {
    const queue: [number, number, number, number][] = [[0, this.a.length, 0, this.b.length]];
    const blocks: [number, number, number][] = [];
    while (queue.length) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const [i, j, k] = this.#longestMatch(alo, ahi, blo, bhi);
      if (!k) continue;
      blocks.push([i, j, k]);
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
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
  /** get_grouped_opcodes(n): the changes with n lines of context, far-apart changes in separate groups. */
  groupedOpcodes(n: number): Opcode[][] {
    const codes = this.opcodes();
    if (!codes.length) codes.push(['equal', 0, 1, 0, 1]);
    const [t0, a1, a2, b1, b2] = codes[0]!;
    if (t0 === 'equal') codes[0] = [t0, Math.max(a1, a2 - n), a2, Math.max(b1, b2 - n), b2];
    const [tl, c1, c2, d1, d2] = codes[codes.length - 1]!;
    if (tl === 'equal') codes[codes.length - 1] = [tl, c1, Math.min(c2, c1 + n), d1, Math.min(d2, d1 + n)];
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

const range = (start: number, stop: number) => {
  const length = stop - start;
  if (length === 1) return String(start + 1);
  return `${length ? start + 1 : start},${length}`;
};

/** difflib.unified_diff(a, b, fromfile, tofile, n=3) (DIFF_CONTEXT) over lines that keep their newlines. */
function unifiedDiff(a: readonly string[], b: readonly string[], [from, to]: readonly [string, string]): string[] {
  const out: string[] = [];
  for (const group of new SequenceMatcher(a, b).groupedOpcodes(3)) {
    if (!out.length) out.push(`--- ${from}\n`, `+++ ${to}\n`);
    const first = group[0]!,
      last = group[group.length - 1]!;
    out.push(`@@ -${range(first[1], last[2])} +${range(first[3], last[4])} @@\n`);
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

/** str.splitlines(True) for the line ends diffs meet. */
const splitLines = (text: string): string[] => text.match(/[^\n\r]*(\r\n|\n|\r)|[^\n\r]+$/g) ?? [];

/** Text of one side: a dict serialised as _serialize_diff does, None as nothing. */
function side(v: unknown): string {
  if (isDict(v)) return pyJson(v, { indent: 4, sortKeys: true }) + '\n';
  return v === null || v === undefined ? '' : String(v);
}

/** The lines' colours (COLOR_DIFF_ADD, _REMOVE, _LINES), when the output has colour. */
type Paint = (line: string, kind: 'add' | 'remove' | 'lines') => string;

/** CallbackBase._get_diff: each diff of the result as text ('' when there is nothing to show). */
export function diffText(diffs: unknown, paint: Paint = (l) => l): string {
  const out: string[] = [];
  for (const raw of Array.isArray(diffs) ? diffs : [diffs]) {
    if (!isDict(raw)) continue;
    const d = raw;
    if ('dst_binary' in d) out.push('diff skipped: destination file appears to be binary\n');
    if ('src_binary' in d) out.push('diff skipped: source file appears to be binary\n');
    if ('dst_larger' in d) out.push(`diff skipped: destination file size is greater than ${String(d.dst_larger)}\n`);
    if ('src_larger' in d) out.push(`diff skipped: source file size is greater than ${String(d.src_larger)}\n`);
    if ('before' in d && 'after' in d) {
      const [before, after] = [splitLines(side(d.before)), splitLines(side(d.after))];
      for (const lines of [before, after])
        if (lines.length && !lines[lines.length - 1]!.endsWith('\n'))
          lines[lines.length - 1] += '\n\\ No newline at end of file\n';
      const from = 'before_header' in d ? `before: ${String(d.before_header)}` : 'before';
      const to = 'after_header' in d ? `after: ${String(d.after_header)}` : 'after';
      const lines = unifiedDiff(before, after, [from, to]);
      for (const line of lines)
        out.push(
          line.startsWith('+')
            ? paint(line, 'add')
            : line.startsWith('-')
              ? paint(line, 'remove')
              : line.startsWith('@@')
                ? paint(line, 'lines')
                : line,
        );
      if (lines.length) out.push('\n');
    }
    if ('prepared' in d) out.push(String(d.prepared));
  }
  return out.join('');
}
