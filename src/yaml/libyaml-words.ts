// libyaml's reader: what it refuses before any token (a control character, text that is not UTF-8), in its words.

/** libyaml's reader: the first character YAML does not allow, anywhere in the stream, worded with its position in
 * characters (libyaml names no line for it). */
export function unacceptableCharacter(text: string): string | undefined {
  // a quick search first: nearly every file has none
  if (!/[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(text)) return undefined;
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

/** The length of a valid UTF-8 sequence at `i`, or 0 with `bad` set to the bytes Python's decoder refuses there. */
function utf8Sequence(bytes: Uint8Array, i: number): { length: number; bad: number } {
  const b = bytes[i]!;
  if (b < 0x80) return { length: 1, bad: 0 };
  const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
  if (need < 0) return { length: 0, bad: 1 };
  // the second byte's range depends on the first (no overlong forms, no surrogates, nothing past U+10FFFF)
  const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
  const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
  for (let k = 1; k <= need; k++) {
    const c = bytes[i + k];
    const ok = c !== undefined && (k === 1 ? c >= low && c <= high : c >= 0x80 && c <= 0xbf);
    if (!ok) return { length: 0, bad: k };
  }
  return { length: need + 1, bad: 0 };
}

/** A YAML file's bytes as Ansible's DataLoader reads them: UTF-8, its bytes that are not kept as surrogates, which
 * the loader then cannot encode for libyaml. Ansible ends with Python's UnicodeEncodeError (an unexpected exception,
 * exit 250), worded here as Python words it. */
export function decodeYamlFile(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (!text.includes('\uFFFD')) return text;
  let chars = 0;
  for (let i = 0; i < bytes.length;) {
    const { length, bad } = utf8Sequence(bytes, i);
    if (length) {
      i += length;
      chars++;
      continue;
    }
    // the run of bytes the decoder refused, one surrogate each, and any refused bytes right after
    let end = i + bad;
    for (let r = utf8Sequence(bytes, end); end < bytes.length && !r.length; r = utf8Sequence(bytes, end)) end += r.bad;
    const n = end - i;
    const which =
      n === 1
        ? `character '\\udc${bytes[i]!.toString(16).padStart(2, '0')}' in position ${chars}`
        : `characters in position ${chars}-${chars + n - 1}`;
    throw new Error(`'utf-8' codec can't encode ${which}: surrogates not allowed`);
  }
  return text;
}
