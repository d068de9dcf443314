// Python `re` patterns in JavaScript. Most syntax is shared; the differences Ansible users hit are
// translated here, and what JS cannot express is refused with a clear error rather than matched wrongly.
import { TemplateError } from '../src/errors.js';
import { PyException } from '../src/python/python.js';
import { pythonReError } from './re-errors.js';

interface RegexOptions {
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
  anchor?: 'start' | 'full' | 'none';
  global?: boolean;
}

const cache = new Map<string, RegExp>();

/** Python's global inline flags, `(?im)` at the start of a pattern: taken off it, as the flags they set. */
function leadingFlags(pattern: string): { flags: string; rest: string } {
  const m = /^(?:\(\?[aiLmsux]+\))*/.exec(pattern)!;
  const later = /\(\?[aiLmsux]+\)/.exec(pattern.slice(m[0].length));
  if (later)
    throw new PyException(
      're.error',
      `global flags not at the start of the expression at position ${later.index + m[0].length}`,
    );
  if (m[0].includes('L')) throw new PyException('re.error', "bad inline flags: cannot use 'L' flag with a str pattern");
  return { flags: m[0].replace(/[(?)]/g, ''), rest: pattern.slice(m[0].length) };
}

/** re.VERBOSE: whitespace and `#` comments outside character classes are not part of the pattern. */
function unverbose(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += c + (pattern[++i] ?? '');
      continue;
    }
    if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (/\s/.test(c)) continue;
    else if (c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
      continue;
    }
    out += c;
  }
  return out;
}

function translatePattern(pattern: string, verbose: boolean): string {
  let out = (verbose ? unverbose(pattern) : pattern)
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>') // named groups
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>') // named backreferences
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
  if (/\(\?[aiLmsux-]+:/.test(out)) {
    throw new TemplateError(
      `regular expression '${pattern}' uses scoped inline flags, which tsible cannot translate to JavaScript; pass ignorecase=/multiline= instead`,
    );
  }
  out = out.replace(/\(\?#[^)]*\)/g, '');
  return out;
}

export function compileRegex(pattern: string, opts: RegexOptions = {}): RegExp {
  const key = `${pattern}\u0000${JSON.stringify(opts)}`;
  let re = cache.get(key);
  if (!re) {
    const inline = leadingFlags(pattern);
    // what Python's re refuses fails as it does, even where JavaScript would read something into it (`\q`)
    const refused = inline.flags.includes('x')
      ? undefined
      : pythonReError(pattern, pattern.length - inline.rest.length);
    if (refused) throw new PyException('re.error', refused);
    let src = translatePattern(inline.rest, inline.flags.includes('x'));
    if (opts.anchor === 'start') src = `^(?:${src})`;
    if (opts.anchor === 'full') src = `^(?:${src})$`;
    const flags =
      'u' +
      (opts.ignorecase || inline.flags.includes('i') ? 'i' : '') +
      (opts.multiline || inline.flags.includes('m') ? 'm' : '') +
      (opts.dotall || inline.flags.includes('s') ? 's' : '') +
      (opts.global ? 'g' : '');
    try {
      re = new RegExp(src, flags);
    } catch {
      try {
        re = new RegExp(src, flags.replace('u', ''));
      } catch (e) {
        throw new PyException('re.error', `invalid regular expression '${pattern}': ${(e as Error).message}`);
      }
    }
    cache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Python's replacement string (\1, \g<name>) to JS's ($1, $<name>). */
export function translateReplacement(repl: string): string {
  // left to right, as Python's re.sub reads its template: \\ is a backslash, \N and \g<name> are groups
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c === '$') {
      out += '$$';
      continue;
    }
    if (c !== '\\' || i === repl.length - 1) {
      out += c;
      continue;
    }
    const n = repl[i + 1]!;
    const named = /^g<(\w+)>/.exec(repl.slice(i + 1));
    if (named) {
      out += /^\d+$/.test(named[1]!) ? `$${named[1]}` : `$<${named[1]}>`;
      i += named[0].length;
      continue;
    }
    const num = /^\d{1,2}/.exec(repl.slice(i + 1));
    if (num) {
      out += `$${num[0]}`;
      i += num[0].length;
      continue;
    }
    out += n === 'n' ? '\n' : n === 't' ? '\t' : n === '\\' ? '\\' : '\\' + n;
    i++;
  }
  return out;
}
