// The run's secret text: every vaulted plaintext, every value a no_log task set or registered, every -e value a
// no_log task used. Outputs mask it twice over: structurally (a result's strings, before they are written) and as
// a last line of defence in the text itself, where a secret may also appear JSON-, repr- or HTML-escaped or
// interpolated into a longer string. Shown only on explicit request: --show-secrets, TSIBLE_SHOW_SECRETS, or
// the debugger's `reveal` (README: where tsible differs from Ansible on purpose).
import { isDict, isSafeString, pyRepr } from '../python/python.js';
import { pyJson } from '../python/pyjson.js';

export const MASK = '********';
/** Marks a value that is secret as a whole (VaultText): masked without being decrypted. */
export const SECRET_VALUE = Symbol('secret value');
/** Shorter secrets are masked where they are a whole value, not inside other text: scrubbing "yes" or "true"
 * out of every line would hide what the output says. */
export const MIN_SCRUBBED = 6;

const values = new Set<string>();
let scrubbed: string[] | undefined;
let shown = ['1', 'true', 'yes', 'on'].includes((process.env.TSIBLE_SHOW_SECRETS ?? '').toLowerCase());

/** From now on secrets are shown (true: --show-secrets, `reveal`) or masked. */
export function showSecrets(on: boolean): void {
  shown = on;
}
export const secretsShown = (): boolean => shown;

/** A new run: no secret learnt yet. */
export function forgetSecrets(): void {
  values.clear();
  scrubbed = undefined;
}

/** Learns the strings in a value as secrets. */
export function addSecrets(v: unknown): void {
  if (typeof v === 'string' || isSafeString(v)) {
    const s = String(v);
    if (s === '' || values.has(s)) return;
    values.add(s);
    scrubbed = undefined;
  } else if (Array.isArray(v)) v.forEach(addSecrets);
  else if (isDict(v)) Object.values(v).forEach(addSecrets);
}

/** Every form a secret takes in output, longest first: as it is, JSON-, repr- and HTML-escaped, line by line. */
function forms(): string[] {
  if (scrubbed) return scrubbed;
  const all = new Set<string>();
  for (const s of values)
    for (const line of [s, ...s.split('\n')])
      for (const f of [
        line,
        pyJson(line).slice(1, -1),
        pyJson(line, { ensureAscii: false }).slice(1, -1),
        pyRepr(line).slice(1, -1),
        line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
      ])
        if (f.trim().length >= MIN_SCRUBBED) all.add(f);
  scrubbed = [...all].sort((a, b) => b.length - a.length);
  return scrubbed;
}

/** The text with every secret in it masked. */
export function scrub(text: string): string {
  if (shown || values.size === 0) return text;
  let out = text;
  for (const f of forms()) if (out.includes(f)) out = out.split(f).join(MASK);
  return out;
}

/** The value with its secrets masked: a string that is one (however short) or contains one, and every `!vault`
 * value still encrypted. A copy where something was masked, the value itself where nothing was. */
export function maskSecrets<T>(v: T): T {
  return shown ? v : (masked(v) as T);
}

function masked(v: unknown): unknown {
  if (isSecretValue(v)) return MASK;
  if (typeof v === 'string' || isSafeString(v)) {
    if (values.size === 0) return v;
    const s = String(v);
    if (values.has(s)) return MASK;
    const t = scrub(s);
    return t === s ? v : t;
  }
  // copies only once something inside is masked: every result shown passes here (per-task overhead)
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = masked(v[i]);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  if (isDict(v)) {
    let out: Record<string, unknown> | undefined;
    for (const k of Object.keys(v)) {
      const x = masked(v[k]);
      if (x !== v[k]) (out ??= { ...v })[k] = x;
    }
    return out ?? v;
  }
  return v;
}

const isSecretValue = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && (v as { [SECRET_VALUE]?: boolean })[SECRET_VALUE] === true;
