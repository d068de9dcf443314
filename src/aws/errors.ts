// SDK errors as amazon.aws's fail_json_aws shapes them.
interface AnsibleAwsFailure extends Record<string, unknown> {
  failed: true;
  changed: false;
  msg: string;
}

export function awsFailure(prefix: string, operation: string, err: unknown): AnsibleAwsFailure {
  const e = err as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
    $fault?: string;
    Type?: unknown;
    $response?: { headers?: Record<string, string> };
  };
  const meta = e.$metadata;
  if (!meta || meta.httpStatusCode === undefined) {
    // no HTTP answer: connection refused, no credentials, ...
    return { failed: true, changed: false, msg: `${prefix}: ${e.message ?? String(err)}` };
  }
  const code = e.name ?? 'Unknown';
  const retries = Math.max(0, (meta.attempts ?? 1) - 1);
  const reached =
    retries > 0 &&
    ['ThrottlingException', 'ServiceUnavailableException', 'Throttling', 'TooManyRequestsException'].includes(code)
      ? ` (reached max retries: ${retries})`
      : '';
  const text = `An error occurred (${code}) when calling the ${operation} operation${reached}: ${e.message}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.$response?.headers ?? {})) headers[k.toLowerCase()] = String(v);
  return {
    failed: true,
    changed: false,
    msg: `${prefix}: ${text}`,
    // fail_json_aws passes the traceback on: Ansible's default callback shows its last line ("The error was: ...")
    exception: traceback(`${botocoreClass(err)}: ${text}`),
    // the Query protocol's errors also say whose fault it was (Sender or Receiver), which botocore keeps
    error: { code, message: e.message, ...(typeof e.Type === 'string' ? { type: e.Type } : {}) },
    response_metadata: {
      request_id: meta.requestId,
      http_status_code: meta.httpStatusCode,
      http_headers: headers,
      retry_attempts: retries,
    },
  };
}

/** A Python traceback as far as tsible has one: its header and its last line, the exception. */
export const traceback = (exception: string): string => `Traceback (most recent call last):\n${exception}\n`;

/** The class botocore raises for an error AWS answered: the service model's exception (its shape name, which the
 * SDK's class bears too) from botocore.errorfactory, or ClientError for a code the model does not know (the SDK's
 * base class). A plain error (the explorer's simulated client) is taken as modelled, named by its code. */
export function botocoreClass(err: unknown): string {
  const cls = (err as object | null)?.constructor?.name ?? 'Error';
  if (cls.endsWith('ServiceException')) return 'botocore.exceptions.ClientError';
  return `botocore.errorfactory.${cls === 'Error' ? ((err as Error).name ?? cls) : cls}`;
}

/** amazon.aws's camel_dict_to_snake_dict (ansible.module_utils.common.dict_transformations). */
const snakeNames = new Map<string, string>();
function camelToSnake(name: string): string {
  let snake = snakeNames.get(name);
  if (snake === undefined) {
    snake = toSnake(name);
    if (snakeNames.size < 10_000) snakeNames.set(name, snake);
  }
  return snake;
}
function toSnake(name: string): string {
  const plural = /^(.*?)([A-Z]{3,})s$/.exec(name);
  if (plural) return `${toSnake(plural[1]!)}${plural[1] ? '_' : ''}${plural[2]!.toLowerCase()}s`;
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}
export function camelDictToSnakeDict(v: unknown, ignore: readonly string[] = []): unknown {
  if (Array.isArray(v)) return v.map((x) => camelDictToSnakeDict(x));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      out[camelToSnake(k)] = ignore.includes(k) ? x : camelDictToSnakeDict(x);
    }
    return out;
  }
  return v;
}
