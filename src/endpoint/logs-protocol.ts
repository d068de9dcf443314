// CloudWatch Logs' operations over the in-memory model (moto's responses.py): one entry per X-Amz-Target
// operation, JSON objects in and out (wire.ts's awsJson11 reads and writes the bytes); pagination declared once.
import { AwsError, LogsModel, invalidParameter, validateName, validateTags, type LogGroup } from './logs-model.js';
import { NO_FAULTS, pageAfter, pageToken, type Faults } from './common.js';
import type { JsonObject } from './wire.js';
import { validateInput, type Shape } from './shapes.js';
import { deleteMetricFilter, describeMetricFilters, putMetricFilter, testMetricFilter } from './logs-metric-filters.js';
import { GROUP_NAME, createLogStream, deleteLogStream, describeLogStreams, putLogEvents } from './logs-streams.js';
import { filterLogEvents, getLogEvents } from './logs-events.js';

export { NO_FAULTS, type Faults, type JsonObject };

const RESOURCE_ARN: Shape = { type: 'string', required: true, min: 1, max: 1011, pattern: '[\\w+=/:,.@-]*' };
const TAG_RESOURCE: Record<string, Shape> = { resourceArn: RESOURCE_ARN, tags: { type: 'map', required: true } };
const UNTAG_RESOURCE: Record<string, Shape> = {
  resourceArn: RESOURCE_ARN,
  tagKeys: { type: 'list', required: true, min: 0, max: 50, member: { type: 'string', min: 1, max: 128 } },
};

interface Journal {
  creates: Map<string, number>;
  deletes: Array<{ group: LogGroup; at: number }>;
}

function describeGroup(g: LogGroup, arnOf: (n: string) => string): JsonObject {
  const out: JsonObject = { logGroupName: g.logGroupName, creationTime: g.creationTime };
  if (g.retentionInDays !== undefined) out.retentionInDays = g.retentionInDays;
  out.metricFilterCount = Object.keys(g.metricFilters ?? {}).length;
  out.arn = `${arnOf(g.logGroupName)}:*`;
  out.storedBytes = 0;
  if (g.kmsKeyId) out.kmsKeyId = g.kmsKeyId;
  out.logGroupClass = g.logGroupClass;
  out.logGroupArn = arnOf(g.logGroupName);
  return out;
}

/** Serves operations against a model, applying listing lag from its own journal. */
export class LogsService {
  readonly journal: Journal = { creates: new Map(), deletes: [] };
  /** Under listing lag, decides whether one describe misses one young change (default: always). The explorer
   * lets its schedule decide, as an eventually consistent listing may or may not show a recent change. */
  missesChange: (name: string, ageMs: number) => boolean = () => true;
  /** Milliseconds added to a new group's creation time (negative: earlier); the explorer draws it per create. */
  creationSkew: (name: string) => number = () => this.faults.clockSkewMs;
  constructor(
    readonly model: LogsModel,
    public faults: Faults = { ...NO_FAULTS },
  ) {}

  #visibleGroups(prefix?: string, pattern?: string): LogGroup[] {
    const lag = this.faults.listingLagMs;
    const groups = this.model.list(prefix, pattern);
    if (lag <= 0) return groups;
    const now = this.model.clock.nowMs();
    this.journal.deletes = this.journal.deletes.filter((d) => now - d.at < lag);
    for (const [n, at] of this.journal.creates) if (now - at >= lag) this.journal.creates.delete(n);
    const hidden = (name: string, at: number) => this.missesChange(name, now - at);
    const visible = groups.filter((g) => {
      const at = this.journal.creates.get(g.logGroupName);
      return at === undefined || !hidden(g.logGroupName, at);
    });
    for (const d of this.journal.deletes) {
      if (
        hidden(d.group.logGroupName, d.at) &&
        (!prefix || d.group.logGroupName.startsWith(prefix)) &&
        (!pattern || d.group.logGroupName.includes(pattern)) &&
        !visible.some((g) => g.logGroupName === d.group.logGroupName)
      )
        visible.push(d.group);
    }
    return visible.sort((a, b) => (a.logGroupName < b.logGroupName ? -1 : a.logGroupName > b.logGroupName ? 1 : 0));
  }

  readonly operations: Record<string, (b: JsonObject) => JsonObject> = {
    CreateLogGroup: (b) => {
      const g = this.model.createLogGroup(b.logGroupName, {
        kmsKeyId: b.kmsKeyId,
        tags: b.tags,
        logGroupClass: b.logGroupClass,
      });
      const f = this.faults;
      const skew = this.creationSkew(g.logGroupName);
      if (f.frozenClockMs !== null || skew)
        (g as { creationTime: number }).creationTime = (f.frozenClockMs ?? g.creationTime) + skew;
      if (f.listingLagMs > 0) this.journal.creates.set(g.logGroupName, this.model.clock.nowMs());
      return {};
    },
    DeleteLogGroup: (b) => {
      const g = this.model.get(b.logGroupName);
      this.model.deleteLogGroup(b.logGroupName);
      if (this.faults.listingLagMs > 0) {
        this.journal.deletes.push({ group: g, at: this.model.clock.nowMs() });
        this.journal.creates.delete(g.logGroupName);
      }
      return {};
    },
    DescribeLogGroups: (b) => {
      if (b.logGroupNamePrefix !== undefined) validateName(b.logGroupNamePrefix, 'logGroupNamePrefix');
      if (b.logGroupNamePrefix !== undefined && b.logGroupNamePattern !== undefined)
        throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
      let limit = 50;
      if (b.limit !== undefined) {
        if (typeof b.limit !== 'number' || !Number.isInteger(b.limit) || b.limit < 1 || b.limit > 50)
          throw invalidParameter(
            `1 validation error detected: Value '${String(b.limit)}' at 'limit' failed to satisfy constraint: Member must have value ${Number(b.limit) < 1 ? 'greater than or equal to 1' : 'less than or equal to 50'}`,
          );
        limit = b.limit;
      }
      let groups = this.#visibleGroups(
        b.logGroupNamePrefix as string | undefined,
        b.logGroupNamePattern as string | undefined,
      );
      if (b.nextToken !== undefined) {
        const after = pageAfter(b.nextToken);
        groups = groups.filter((g) => g.logGroupName > after);
      }
      const page = groups.slice(0, limit);
      const out: JsonObject = {
        logGroups: page.map((g) =>
          b.logGroupNamePattern !== undefined
            ? {
                logGroupName: g.logGroupName,
                creationTime: g.creationTime,
                arn: `${this.model.arnOf(g.logGroupName)}:*`,
              }
            : describeGroup(g, (n) => this.model.arnOf(n)),
        ),
      };
      if (groups.length > limit) out.nextToken = pageToken(page[page.length - 1]!.logGroupName);
      return out;
    },
    PutRetentionPolicy: (b) => {
      this.model.putRetentionPolicy(b.logGroupName, b.retentionInDays);
      return {};
    },
    DeleteRetentionPolicy: (b) => {
      this.model.deleteRetentionPolicy(b.logGroupName);
      return {};
    },
    TagLogGroup: (b) => {
      this.model.tag(b.logGroupName, b.tags);
      return {};
    },
    UntagLogGroup: (b) => {
      if (!Array.isArray(b.tags) || b.tags.length < 1)
        throw invalidParameter(
          "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1",
        );
      this.model.untag(b.logGroupName, b.tags);
      return {};
    },
    ListTagsLogGroup: (b) => ({ tags: { ...this.model.get(b.logGroupName).tags } }),
    TagResource: (b) => {
      validateInput(TAG_RESOURCE, b);
      validateTags(b.tags);
      const g = this.model.groupByArn(b.resourceArn);
      this.model.tag(g.logGroupName, b.tags);
      return {};
    },
    UntagResource: (b) => {
      validateInput(UNTAG_RESOURCE, b);
      const g = this.model.groupByArn(b.resourceArn);
      this.model.untag(g.logGroupName, b.tagKeys);
      return {};
    },
    ListTagsForResource: (b) => {
      validateInput({ resourceArn: RESOURCE_ARN }, b);
      return { tags: { ...this.model.groupByArn(b.resourceArn).tags } };
    },
    PutMetricFilter: (b) => {
      putMetricFilter(this.model, b);
      return {};
    },
    DescribeMetricFilters: (b) => describeMetricFilters(this.model, b),
    DeleteMetricFilter: (b) => {
      deleteMetricFilter(this.model, b);
      return {};
    },
    TestMetricFilter: (b) => testMetricFilter(b),
    CreateLogStream: (b) => {
      createLogStream(this.model, b);
      return {};
    },
    DescribeLogStreams: (b) => describeLogStreams(this.model, b),
    DeleteLogStream: (b) => {
      deleteLogStream(this.model, b);
      return {};
    },
    PutLogEvents: (b) => putLogEvents(this.model, b),
    GetLogEvents: (b) => getLogEvents(this.model, b),
    FilterLogEvents: (b) => filterLogEvents(this.model, b),
    AssociateKmsKey: (b) => {
      validateInput({ logGroupName: GROUP_NAME, kmsKeyId: { type: 'string', required: true, max: 256 } }, b);
      this.model.setKmsKey(b.logGroupName, b.kmsKeyId);
      return {};
    },
    DisassociateKmsKey: (b) => {
      validateInput({ logGroupName: GROUP_NAME }, b);
      this.model.setKmsKey(b.logGroupName, undefined);
      return {};
    },
  };

  /** Whether the operation may change state (the endpoint writes its state file after those). */
  mutates(operation: string): boolean {
    return !/^(Describe|List|Test|Get|Filter)/.test(operation);
  }
  /** This service's part of the endpoint's state file. */
  snapshot(): JsonObject {
    return { logGroups: this.model.snapshot() };
  }
  restore(state: JsonObject): void {
    this.model.restore((state.logGroups as LogGroup[] | undefined) ?? []);
  }

  call(operation: string, body: JsonObject): JsonObject {
    const op = this.operations[operation];
    if (!op)
      throw new AwsError(
        'UnknownOperationException',
        `Operation ${operation} is not supported by tsible's local CloudWatch Logs endpoint`,
      );
    return op(body);
  }
}
