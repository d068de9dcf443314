// The in-memory CloudWatch Logs model: log groups, retention and tags with AWS's validation and error
// words. Knows nothing about HTTP; time comes from an injected clock so the explorer can own it.
import { AwsError, invalidParameter, systemClock, type Clock, type Home } from './common.js';

export { AwsError, invalidParameter, systemClock, type Clock };

const alreadyExists = () => new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
const notFound = () => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
export const validation = (value: unknown, member: string, constraint: string) =>
  invalidParameter(
    `1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );

const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
const NAME_RE = /^[.\-_/#A-Za-z0-9]+$/;
const TAG_KEY_RE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$/u;
const TAG_VALUE_RE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

export interface LogGroup {
  readonly logGroupName: string;
  readonly creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  readonly logGroupClass: string;
  tags: Record<string, string>;
  /** By stream name (absent until a stream is made). */
  logStreams?: Record<string, LogStream>;
  /** By filter name (absent in state files from before metric filters). */
  metricFilters?: Record<string, MetricFilter>;
}

export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
}
export interface LogStream {
  readonly logStreamName: string;
  readonly creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** In timestamp order (a batch's events are, and each is placed after those with the same or an earlier time). */
  events: LogEvent[];
}

export interface MetricTransformation {
  readonly metricName: string;
  readonly metricNamespace: string;
  readonly metricValue: string;
  readonly defaultValue?: number;
  readonly dimensions?: Record<string, string>;
  readonly unit?: string;
}
export interface MetricFilter {
  readonly filterName: string;
  readonly filterPattern: string;
  readonly metricTransformations: MetricTransformation[];
  readonly creationTime: number;
  readonly logGroupName: string;
}

const DEFAULT_HOME: Home = { region: 'us-east-1', account: '123456789012' };

export function validateName(name: unknown, member = 'logGroupName'): string {
  if (name === undefined || name === null)
    throw invalidParameter(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  if (typeof name !== 'string')
    throw new AwsError('SerializationException', `Unexpected ${typeof name} for '${member}'`);
  if (name.length < 1) throw validation(name ?? '', member, 'Member must have length greater than or equal to 1');
  if (name.length > 512) throw validation(name, member, 'Member must have length less than or equal to 512');
  if (!NAME_RE.test(name))
    throw validation(name, member, 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  return name;
}

export function validateTags(tags: unknown, member = 'tags'): Record<string, string> {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags))
    throw validation(tags, member, 'Member must be a map');
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length < 1) throw validation('{}', member, 'Member must have length greater than or equal to 1');
  if (entries.length > 50)
    throw validation(`{${entries.length} tags}`, member, 'Member must have length less than or equal to 50');
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128 || !TAG_KEY_RE.test(k))
      throw validation(
        k,
        `${member}.${k}.member.key`,
        'Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$',
      );
    if (typeof v !== 'string') throw invalidParameter(`tag value for ${k} must be a string`);
    if (v.length > 256 || !TAG_VALUE_RE.test(v))
      throw validation(
        v,
        `${member}.${k}.member.value`,
        'Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$',
      );
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** A group with its own tags and filters (filters themselves are never changed in place). */
const copyGroup = (g: LogGroup): LogGroup => ({
  ...g,
  tags: { ...g.tags },
  ...(g.metricFilters ? { metricFilters: { ...g.metricFilters } } : {}),
  ...(g.logStreams ? { logStreams: { ...g.logStreams } } : {}),
});

export class LogsModel {
  readonly #groups = new Map<string, LogGroup>();
  #sorted: string[] | null = [];
  #lastCreation = 0;
  constructor(
    readonly clock: Clock = systemClock,
    readonly home: Home = DEFAULT_HOME,
    readonly maxGroups = 1_000_000,
  ) {}

  arnOf(name: string): string {
    return `arn:aws:logs:${this.home.region}:${this.home.account}:log-group:${name}`;
  }

  createLogGroup(name: unknown, opts: { kmsKeyId?: unknown; tags?: unknown; logGroupClass?: unknown } = {}): LogGroup {
    const n = validateName(name);
    if (n.startsWith('aws/')) throw invalidParameter('Log group names cannot start with "aws/"');
    const tags = opts.tags === undefined ? {} : validateTags(opts.tags);
    if (opts.kmsKeyId !== undefined && (typeof opts.kmsKeyId !== 'string' || opts.kmsKeyId.length > 256))
      throw validation(opts.kmsKeyId, 'kmsKeyId', 'Member must have length less than or equal to 256');
    const cls = opts.logGroupClass ?? 'STANDARD';
    if (!['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'].includes(String(cls)))
      throw validation(
        cls,
        'logGroupClass',
        'Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]',
      );
    if (this.#groups.has(n)) throw alreadyExists();
    if (this.#groups.size >= this.maxGroups) throw new AwsError('LimitExceededException', 'Resource limit exceeded.');
    const group: LogGroup = {
      logGroupName: n,
      creationTime: this.clock.nowMs(),
      ...(opts.kmsKeyId ? { kmsKeyId: String(opts.kmsKeyId) } : {}),
      logGroupClass: String(cls),
      tags,
    };
    this.#lastCreation = group.creationTime;
    this.#groups.set(n, group);
    this.#sorted = null;
    return group;
  }

  deleteLogGroup(name: unknown): void {
    const n = validateName(name);
    if (!this.#groups.delete(n)) throw notFound();
    this.#sorted = null;
  }

  get(name: unknown): LogGroup {
    const g = this.#groups.get(validateName(name));
    if (!g) throw notFound();
    return g;
  }

  /** Every group whose name starts with `prefix`, in ASCII order (as AWS lists them). */
  list(prefix?: string, pattern?: string): LogGroup[] {
    if (!this.#sorted) this.#sorted = [...this.#groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let names = this.#sorted;
    if (prefix) {
      let lo = 0,
        hi = names.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (names[mid]! < prefix) lo = mid + 1;
        else hi = mid;
      }
      let end = lo;
      while (end < names.length && names[end]!.startsWith(prefix)) end++;
      names = names.slice(lo, end);
    }
    if (pattern) names = names.filter((n) => n.includes(pattern));
    return names.map((n) => this.#groups.get(n)!);
  }

  putRetentionPolicy(name: unknown, days: unknown): void {
    validateName(name);
    if (days === undefined || days === null)
      throw invalidParameter(
        "1 validation error detected: Value null at 'retentionInDays' failed to satisfy constraint: Member must not be null",
      );
    if (typeof days !== 'number' || !(RETENTION_DAYS as readonly number[]).includes(days))
      throw validation(days, 'retentionInDays', `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
    this.get(name).retentionInDays = days;
  }

  /** AssociateKmsKey and DisassociateKmsKey: the key is KMS's to check; here any id of the model's length. */
  setKmsKey(name: unknown, kmsKeyId: unknown): void {
    validateName(name);
    if (kmsKeyId !== undefined && (typeof kmsKeyId !== 'string' || kmsKeyId.length > 256))
      throw validation(kmsKeyId, 'kmsKeyId', 'Member must have length less than or equal to 256');
    const g = this.get(name);
    if (kmsKeyId === undefined) delete g.kmsKeyId;
    else g.kmsKeyId = kmsKeyId as string;
  }
  deleteRetentionPolicy(name: unknown): void {
    delete this.get(name).retentionInDays;
  }

  tag(name: unknown, tags: unknown): void {
    validateName(name);
    const t = validateTags(tags);
    const g = this.get(name);
    const merged = { ...g.tags, ...t };
    if (Object.keys(merged).length > 50)
      throw new AwsError('TooManyTagsException', 'A resource can have no more than 50 tags.', 400, {
        resourceName: this.arnOf(g.logGroupName),
      });
    g.tags = merged;
  }
  untag(name: unknown, keys: unknown): void {
    const g = this.get(name);
    if (!Array.isArray(keys)) throw validation(keys, 'tags', 'Member must be a list');
    for (const k of keys) delete g.tags[String(k)];
  }
  groupByArn(arn: unknown): LogGroup {
    if (typeof arn !== 'string' || !arn.startsWith('arn:'))
      throw invalidParameter(`Invalid resource ARN: ${String(arn)}`);
    const m = /^arn:[^:]+:logs:([^:]*):([^:]*):log-group:(.+?)(:\*)?$/.exec(arn);
    if (!m) throw invalidParameter(`Invalid resource ARN: ${arn}`);
    // a group of another region or account is not this home's to find
    const g = m[1] === this.home.region && m[2] === this.home.account ? this.#groups.get(m[3]!) : undefined;
    if (!g) throw new AwsError('ResourceNotFoundException', `The specified resource does not exist.`);
    return g;
  }
  get size(): number {
    return this.#groups.size;
  }
  snapshot(): LogGroup[] {
    return this.list().map(copyGroup);
  }
  restore(groups: readonly LogGroup[]): void {
    this.#groups.clear();
    for (const g of groups) this.#groups.set(g.logGroupName, copyGroup(g));
    this.#sorted = null;
  }
  get lastCreation(): number {
    return this.#lastCreation;
  }
}
