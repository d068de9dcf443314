// The error Python's re module gives for a pattern JavaScript cannot compile either: sre_parse's first complaint,
// in its words and with its position, for the mistakes patterns commonly have (a quantifier with nothing to repeat
// or repeated twice, unbalanced parentheses, an unterminated set, a bad escape, range or group reference).

/** Letters Python knows after a backslash outside a set (inside one, \A, \b as a boundary, \B and \Z are not). */
const ESCAPES = 'aAbBdDfnrsStuUvwWxZN';
const CLASS_ESCAPES = 'abdDfnrsStuUvwWxN';

interface Scan {
  readonly p: string;
  i: number;
  /** Whether what precedes can take a quantifier; 1 just after a quantifier, 2 after its ? or + modifier. */
  canRepeat: boolean;
  quantified: 0 | 1 | 2;
  groups: number;
  readonly open: number[];
}

class ReError {
  constructor(readonly message: string) {}
}
const fail = (why: string, at: number): never => {
  throw new ReError(`${why} at position ${at}`);
};

/** A backslash escape at s.i (outside a set): a bad one, or a reference to a group not yet opened, fails. */
function escape(s: Scan): void {
  const e = s.p[s.i + 1];
  if (e === undefined) fail('bad escape (end of pattern)', s.i);
  if (/[A-Za-z]/.test(e!) && !ESCAPES.includes(e!)) fail(`bad escape \\${e}`, s.i);
  if (/[1-9]/.test(e!) && !/\d/.test(s.p[s.i + 2] ?? '') && Number(e) > s.groups)
    fail(`invalid group reference ${e}`, s.i + 1);
  s.i += 2;
}

/** A set from its `[` at s.i to its `]`: its escapes and ranges checked. */
function charSet(s: Scan): void {
  const start = s.i;
  let j = s.i + 1;
  if (s.p[j] === '^') j++;
  if (s.p[j] === ']') j++;
  let previous: { char: string; at: number } | undefined;
  while (j < s.p.length && s.p[j] !== ']') {
    const at = j;
    let char = s.p[j]!;
    if (char === '\\') {
      const e = s.p[j + 1];
      if (e === undefined) break;
      if (/[A-Za-z]/.test(e) && !CLASS_ESCAPES.includes(e)) fail(`bad escape \\${e}`, j);
      char = /[A-Za-z]/.test(e) ? '' : e;
      j++;
    }
    j++;
    if (char === '-' && previous && j < s.p.length && s.p[j] !== ']') {
      // a range's high end: a character, or an escaped one (a class such as \d is no end: not checked)
      const high = s.p[j] === '\\' ? s.p[j + 1] : s.p[j];
      const escapedLetter = s.p[j] === '\\' && /[A-Za-z]/.test(high ?? '');
      if (high !== undefined && !escapedLetter && previous.char > high)
        fail(`bad character range ${previous.char}-${high}`, previous.at);
    }
    previous = char ? { char, at } : undefined;
  }
  if (j >= s.p.length) fail('unterminated character set', start);
  s.i = j + 1;
}

/** A `(` at s.i: a group, or an extension that opens one (a comment is skipped whole). */
function openGroup(s: Scan): void {
  const rest = s.p.slice(s.i + 1);
  if (rest.startsWith('?#')) {
    const end = s.p.indexOf(')', s.i);
    if (end < 0) fail('missing ), unterminated comment', s.i);
    s.i = end + 1;
    return;
  }
  const named = /^\?P<([^>]*)>/.exec(rest);
  if (named && !/^[A-Za-z_]\w*$/.test(named[1]!)) fail(`bad character in group name '${named[1]}'`, s.i + 4);
  const ext = /^\?<([^=!])/.exec(rest);
  if (ext) fail(`unknown extension ?<${ext[1]}`, s.i + 1);
  if (!rest.startsWith('?') || named) s.groups++;
  s.open.push(s.i);
  const prefix = /^\?(?:P<[^>]*>|P=\w+|<?[=!]|[aiLmsux-]*:?)?/.exec(rest)?.[0] ?? '';
  s.i += 1 + prefix.length;
  s.canRepeat = false;
}

/** A quantifier at s.i (`*`, `+`, `?` or `{m,n}`), `length` characters long. */
function quantifier(s: Scan, length: number): void {
  const c = s.p[s.i]!;
  if (s.quantified === 1 && (c === '?' || c === '+')) s.quantified = 2;
  else if (s.quantified) fail('multiple repeat', s.i);
  else if (!s.canRepeat) fail('nothing to repeat', s.i);
  else {
    const bounds = /^\{(\d*),?(\d*)\}/.exec(s.p.slice(s.i));
    if (bounds && bounds[1] && bounds[2] && Number(bounds[1]) > Number(bounds[2]))
      fail('min repeat greater than max repeat', s.i + 1);
    s.quantified = 1;
  }
  s.i += length;
}

/** One step of the scan at s.i. */
function step(s: Scan): void {
  const c = s.p[s.i]!;
  // (a brace that is no {m}, {m,}, {m,n} or {,n} is a literal, '{}' too)
  const repeat = c === '{' ? /^\{(?:\d+(?:,\d*)?|,\d*)\}/.exec(s.p.slice(s.i))?.[0] : undefined;
  if ('*+?'.includes(c) || repeat) return quantifier(s, repeat?.length ?? 1);
  s.quantified = 0;
  s.canRepeat = true;
  if (c === '\\') escape(s);
  else if (c === '[') charSet(s);
  else if (c === '(') openGroup(s);
  else if (c === ')') {
    if (!s.open.length) fail('unbalanced parenthesis', s.i);
    s.open.pop();
    s.i++;
  } else {
    if ('|^$'.includes(c)) s.canRepeat = false;
    s.i++;
  }
}

/** Python's re.error message for a pattern, or undefined when the scan finds none of the errors it knows. */
export function pythonReError(pattern: string, start = 0): string | undefined {
  const open: number[] = [];
  const s = { p: pattern, i: start, canRepeat: false, quantified: 0, groups: 0, open } as Scan;
  try {
    while (s.i < pattern.length) step(s);
    if (open.length) fail('missing ), unterminated subpattern', open[open.length - 1]!);
  } catch (e) {
    if (e instanceof ReError) return e.message;
    throw e;
  }
  return undefined;
}
