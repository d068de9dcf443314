// Python's fnmatch: shell-style patterns as regular expressions.

/** fnmatch.translate: `*`, `?`, `[seq]` and `[!seq]`, matching the whole name (case as given: POSIX). */
export function fnmatchTranslate(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) out += '\\[';
      else {
        const body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
        out += `[${body[0] === '!' ? `^${body.slice(1)}` : body[0] === '^' ? `\\${body}` : body}]`;
        i = j;
      }
    } else out += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}
