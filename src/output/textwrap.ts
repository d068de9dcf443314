// Python's textwrap.wrap, as Ansible's Display wraps warnings, deprecations and errors to the terminal's width:
// tabs expanded, whitespace made spaces, text cut into chunks (words, the whitespace between them, and the
// parts of a hyphenated word: break_on_hyphens), a word longer than a line broken (break_long_words).
// Lengths count code points, as Python's do.

const WS = '\\t\\n\\x0b\\x0c\\r ';
const WORD_PUNCT = `[\\p{L}\\p{N}_!"'&.,?]`;
// Python's [^\d\W]: a word character that is no decimal digit
const LETTER = '(?:(?!\\p{Nd})[\\p{L}\\p{N}_])';
/** TextWrapper.wordsep_re: whitespace, an em-dash between words, or a word up to where it may break. */
const WORDSEP = new RegExp(
  `([${WS}]+` +
    `|(?<=${WORD_PUNCT})-{2,}(?=[\\p{L}\\p{N}_])` +
    `|[^${WS}]+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
    `|(?=[${WS}]|$)` +
    `|(?<=${WORD_PUNCT})(?=-{2,}[\\p{L}\\p{N}_])))`,
  'u',
);

const length = (s: string) => [...s].length;
const isBlank = (s: string) => s.trim() === '';

/** str.expandtabs(8) then the whitespace characters made spaces (_munge_whitespace). */
function mungeWhitespace(text: string): string {
  let column = 0;
  let out = '';
  for (const c of text) {
    if (c === '\t') {
      const n = 8 - (column % 8);
      out += ' '.repeat(n);
      column += n;
      continue;
    }
    column = c === '\n' || c === '\r' ? 0 : column + 1;
    out += /[\n\x0b\x0c\r]/.test(c) ? ' ' : c;
  }
  return out;
}

/** _handle_long_word: as much of a too-long chunk as fits, cut after its last hyphen when there is one. */
function breakLongWord(chunks: string[], line: string[], used: number, width: number): void {
  const spaceLeft = width < 1 ? 1 : width - used;
  const chunk = [...chunks[chunks.length - 1]!];
  let end = spaceLeft;
  if (chunk.length > spaceLeft) {
    const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-');
    if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
  }
  line.push(chunk.slice(0, end).join(''));
  chunks[chunks.length - 1] = chunk.slice(end).join('');
}

/** textwrap.wrap(text, width) with its defaults; dropWhitespace false keeps the spaces at the lines' ends, as
 * Display.deprecated asks. */
export function wrap(text: string, width: number, { dropWhitespace = true } = {}): string[] {
  const chunks = mungeWhitespace(text).split(WORDSEP).filter(Boolean).reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const line: string[] = [];
    let used = 0;
    if (dropWhitespace && lines.length && isBlank(chunks[chunks.length - 1]!)) chunks.pop();
    while (chunks.length && used + length(chunks[chunks.length - 1]!) <= width) {
      const chunk = chunks.pop()!;
      line.push(chunk);
      used += length(chunk);
    }
    if (chunks.length && length(chunks[chunks.length - 1]!) > width) breakLongWord(chunks, line, used, width);
    if (dropWhitespace && line.length && isBlank(line[line.length - 1]!)) line.pop();
    if (line.length) lines.push(line.join(''));
  }
  return lines;
}
