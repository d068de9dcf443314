// Ansible's k=v argument syntax (parse_kv), shared by free-form module arguments, -e and inventories.
import { decodeEscapes } from '../python/python.js';

type Raw = Record<string, unknown>;

/** Splits `a=1 b='two words' free text` into k=v pairs and the free-form rest (parse_kv). */
export function parseKv(text: string, freeForm: boolean): Raw {
  const out: Raw = {};
  const raw: string[] = [];
  const re = /\s*((?:[^\s'"=]+=)?(?:'[^']*'|"(?:[^"\\]|\\.)*"|\{\{.*?\}\}|[^\s'"]+)+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const token = m[1]!;
    // k=v values have Python's escapes decoded (_decode_escapes); free-form words are kept as written
    const eq = /^([A-Za-z_][\w.]*)=([\s\S]*)$/.exec(token);
    if (eq) out[eq[1]!] = unquote(decodeEscapes(eq[2]!));
    else raw.push(token);
    if (re.lastIndex >= text.length) break;
  }
  if (raw.length) {
    if (!freeForm) out._raw_params = raw.join(' ');
    else out._raw_params = raw.join(' ');
  }
  return out;
}
const unquote = (s: string) => (/^'.*'$|^".*"$/s.test(s) ? s.slice(1, -1) : s);
