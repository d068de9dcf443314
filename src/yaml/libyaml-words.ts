// Ansible reads YAML with libyaml (PyYAML's CSafeLoader), whose problems are worded differently from js-yaml's:
// "did not find expected key" where js-yaml says "bad indentation of a mapping entry". js-yaml finds the same
// errors at the same places for the common mistakes; this file words them as libyaml does, from js-yaml's reason
// and the text around the place, and finds what libyaml refuses and js-yaml takes (control characters, a second
// document, a YAML 2 directive, content after `...`).

/** A problem as libyaml words it, at an offset into the text (undefined: libyaml names no place). */
interface LibyamlProblem {
  readonly problem: string;
  readonly offset?: number;
}

/** The quote or flow collection still open at `end`, as a scan of the text up to there finds it. */
function openConstruct(text: string, end: number): { quote?: string; flows: string[]; last: string } {
  const flows: string[] = [];
  let quote: string | undefined;
  let last = '';
  for (let i = 0; i < end; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote && !(quote === "'" && text[i + 1] === "'") && !(quote === '"' && text[i - 1] === '\\'))
        quote = undefined;
      else if (quote === "'" && c === "'") i++;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < end && text[i] !== '\n') i++;
      continue;
    }
    if ((c === '"' || c === "'") && /(^|[\s[{,:-])$/.test(lastNonSpaceBefore(text, i))) quote = c;
    else if (c === '[' || c === '{') flows.push(c);
    else if ((c === ']' || c === '}') && flows.length) flows.pop();
    if (!/\s/.test(c)) last = c;
  }
  return { quote, flows, last };
}

/** The character before `i` on its line that is not a space ('' at the line's start). */
function lastNonSpaceBefore(text: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  return j < 0 || text[j] === '\n' ? '' : text[j]!;
}

const closing = (flow: string | undefined) => (flow === '{' ? '}' : ']');

/** Inside a flow collection: libyaml wants a node after an opening bracket or a comma, else a comma or the end. */
function flowProblem(text: string, offset: number): string {
  const open = openConstruct(text, offset);
  if (open.quote) return 'found unexpected end of stream';
  const flow = open.flows[open.flows.length - 1];
  const here = text[offset];
  if (
    ['[', '{', ','].includes(open.last) ||
    ((here === ']' || here === '}') && here !== closing(flow)) ||
    flow === undefined
  )
    return 'did not find expected node content';
  return `did not find expected ',' or '${closing(flow)}'`;
}

const lineAt = (text: string, offset: number) => {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  return { start, text: text.slice(start, end < 0 ? text.length : end), end: end < 0 ? text.length : end };
};

/** js-yaml's "bad indentation of a mapping entry", told apart as libyaml tells it. */
function mappingEntryProblem(text: string, offset: number): LibyamlProblem {
  const here = text[offset];
  const line = lineAt(text, offset);
  const tab = /^\s*-\t/.exec(line.text);
  if (tab) return { problem: 'found character that cannot start any token', offset: line.start + tab[0].length - 1 };
  if (here === ':') return { problem: 'mapping values are not allowed in this context', offset };
  if (here === '@' || here === '`') return { problem: 'found character that cannot start any token', offset };
  // a key at the indentation of the sequence above it, without its dash
  const previous = text
    .slice(0, line.start)
    .split('\n')
    .reverse()
    .find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  const indent = (l: string) => l.length - l.trimStart().length;
  if (previous !== undefined && indent(previous) === indent(line.text) && /^\s*- /.test(previous))
    if (!/^\s*-/.test(line.text)) return { problem: "did not find expected '-' indicator", offset };
  // an entry that is a flow collection with more text after it (`- [1, 2] is subset(x)`): the sequence wants a dash
  if (/^\s*- +[[{]/.test(line.text) && /[\]}]\s*$/.test(line.text.slice(0, offset - line.start)))
    return { problem: "did not find expected '-' indicator", offset };
  return { problem: 'did not find expected key', offset };
}

/** libyaml's words for js-yaml's reason, at js-yaml's offset; js-yaml's own when there is no rule for it. */
export function libyamlProblem(reason: string, text: string, offset: number): LibyamlProblem {
  switch (reason) {
    case 'deficient indentation':
    case 'unexpected end of the stream within a flow collection':
    case 'missed comma between flow collection entries':
      return { problem: flowProblem(text, offset), offset };
    case 'bad indentation of a mapping entry':
      return mappingEntryProblem(text, offset);
    case 'tab characters must not be used in indentation':
      return { problem: 'found character that cannot start any token', offset };
    case 'end of the stream or a document separator is expected':
      return text[offset - 1] === '\t'
        ? { problem: 'found a tab character that violates indentation', offset: offset - 1 }
        : { problem: 'did not find expected <document start>', offset };
    case 'unknown escape sequence':
      return { problem: 'found unknown escape character', offset: offset - 1 };
    case 'a line break is expected':
      return { problem: 'did not find expected comment or line break', offset };
  }
  return { problem: reason, offset };
}

/** libyaml's reader: the first character YAML does not allow, anywhere in the stream, worded with its position in
 * characters (libyaml names no line for it). */
export function unacceptableCharacter(text: string): string | undefined {
  let position = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const allowed =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0x7e) ||
      c === 0x85 ||
      (c >= 0xa0 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000;
    if (!allowed)
      return `. unacceptable character #x${c.toString(16).padStart(4, '0')}: control characters are not allowed\n  in "<unicode string>", position ${position}`;
    position++;
  }
  return undefined;
}

/** What libyaml refuses in the stream's structure that js-yaml takes: a %YAML directive other than 1.1/1.2,
 * content after a document end marker `...` without a new `---`. */
export function streamProblem(text: string): LibyamlProblem | undefined {
  const directive = /^%YAML[ \t]+(\d+)\.(\d+)/m.exec(text);
  if (directive && (directive[1] !== '1' || !['1', '2'].includes(directive[2]!)))
    return { problem: 'found incompatible YAML document', offset: directive.index };
  const end = /^\.\.\.[ \t]*(#.*)?\n/m.exec(text);
  if (end) {
    const after = /^(?![ \t]*(#|$)|---|%)/m.exec(text.slice(end.index + end[0].length));
    if (after)
      return { problem: 'did not find expected <document start>', offset: end.index + end[0].length + after.index };
  }
  return undefined;
}

/** Where libyaml finds the second document of a stream ("but found another document"): its `---`. */
export function secondDocumentOffset(text: string): number {
  const markers = [...text.matchAll(/^---(?=\s|$)/gm)].map((m) => m.index);
  const explicitFirst = markers.length > 0 && !/^(?!\s*(#|%|$)).*$/m.test(text.slice(0, markers[0]));
  return markers[explicitFirst ? 1 : 0] ?? text.length;
}
