// What the debugger never shows unless the user types `reveal`: values set or registered by no_log tasks,
// AWS credentials (variables and module options), the run's secrets (vaulted values: src/vault/secret-text.ts),
// and any text that contains one of them.
import { isDict } from '../python/python.js';
import { MASK, maskSecrets } from '../vault/index.js';

export { MASK };
const CREDENTIAL_NAME =
  /(^|_)(secret|password|passwd|token|secret_key|session_token|security_token|access_token|secret_access_key)(_|$)/i;
const CREDENTIAL_ENV = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'EC2_SECRET_KEY',
  'EC2_SECURITY_TOKEN',
];

export class Secrets {
  readonly names = new Set<string>();
  readonly values = new Set<string>();

  /** Learns the secrets among the variables a task sees. */
  learn(
    vars: Record<string, unknown>,
    noLogNames: Iterable<string>,
    env: Readonly<Record<string, string | undefined>>,
  ): void {
    for (const n of noLogNames) this.names.add(n);
    for (const e of CREDENTIAL_ENV) {
      const v = env[e];
      if (v) this.values.add(v);
    }
    for (const [k, v] of Object.entries(vars)) {
      if (CREDENTIAL_NAME.test(k)) {
        this.names.add(k);
        collect(v, this.values);
      } else if (this.names.has(k)) collect(v, this.values, true);
    }
  }

  /** The value as the debugger may print it. */
  mask(v: unknown, name?: string): unknown {
    if (name !== undefined && this.names.has(name)) return MASK;
    return this.#mask(maskSecrets(v));
  }

  #mask(v: unknown): unknown {
    if (typeof v === 'string') {
      if (this.values.has(v)) return MASK;
      let out = v;
      for (const s of this.values) if (s.length >= 4) out = out.split(s).join(MASK);
      return out;
    }
    if (Array.isArray(v)) return v.map((x) => this.#mask(x));
    if (isDict(v)) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v))
        o[k] = CREDENTIAL_NAME.test(k) && x !== null && x !== '' ? MASK : this.#mask(x);
      return o;
    }
    return v;
  }
}

/** The secret strings in a value; inside a no_log variable's structure only the credential-like keys count
 * (aws_connection_info's region is not a secret, its aws_secret_key is). */
function collect(v: unknown, into: Set<string>, credentialKeysOnly = false): void {
  if (typeof v === 'string' && v !== '') {
    if (!credentialKeysOnly) into.add(v);
  } else if (Array.isArray(v)) v.forEach((x) => collect(x, into, credentialKeysOnly));
  else if (isDict(v))
    for (const [k, x] of Object.entries(v)) collect(x, into, credentialKeysOnly && !CREDENTIAL_NAME.test(k));
}
