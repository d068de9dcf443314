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

/** Python's anchors in JavaScript's terms: `\A` and `\Z` are the text's ends whatever the flags, and `$` without
 * re.MULTILINE also matches before a newline that ends the text (JavaScript's only at the very end). */
function translateAnchors(pattern: string, multiline: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[++i] ?? '';
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += c + next;
      continue;
    }
    if (inClass) inClass = c !== ']' || out.endsWith('[') || out.endsWith('[^');
    else if (c === '[') inClass = true;
    out += !inClass && c === '$' && !multiline ? '(?=\\n?(?![\\s\\S]))' : c;
  }
  return out;
}

function translatePattern(pattern: string, verbose: boolean, multiline: boolean): string {
  let out = translateAnchors(verbose ? unverbose(pattern) : pattern, multiline)
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>') // named groups
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>'); // named backreferences
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
    const multiline = Boolean(opts.multiline) || inline.flags.includes('m');
    let src = translatePattern(inline.rest, inline.flags.includes('x'), multiline);
    if (opts.anchor === 'start') src = `(?<![\\s\\S])(?:${src})`;
    if (opts.anchor === 'full') src = `(?<![\\s\\S])(?:${src})(?![\\s\\S])`;
    const flags =
      'u' +
      (opts.ignorecase || inline.flags.includes('i') ? 'i' : '') +
      (multiline ? 'm' : '') +
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
