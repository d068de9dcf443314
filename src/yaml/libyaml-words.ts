// libyaml's reader: what it refuses before any token (a control character), in its words.

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
