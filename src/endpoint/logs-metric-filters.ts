// CloudWatch Logs metric filters over the log group model: PutMetricFilter, DescribeMetricFilters,
// DeleteMetricFilter and TestMetricFilter, with the constraints of botocore's service model (logs 2014-03-28)
// checked here, since neither SDK checks them.
import { AwsError, invalidParameter, pageAfter, pageToken } from './common.js';
import { matchEvent, parseFilterPattern } from './filter-pattern.js';
import {
  validateName,
  validation,
  type LogsModel,
  type MetricFilter,
  type MetricTransformation,
} from './logs-model.js';
import type { JsonObject } from './wire.js';

/** A group holds at most this many filters (PutMetricFilter's documentation). */
const MAX_FILTERS = 100;
const UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits',
  'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second',
  'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second',
  'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
]; // prettier-ignore

interface StringRule {
  readonly min?: number;
  readonly max: number;
  readonly pattern?: string;
}
const FILTER_NAME: StringRule = { min: 1, max: 512, pattern: '[^:*]*' };
const METRIC_NAME: StringRule = { max: 255, pattern: '[^:*$]*' };

const notNull = (member: string) =>
  invalidParameter(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );

/** A string member against its shape's length and pattern; undefined when optional and absent. */
function checkString(value: unknown, member: string, rule: StringRule, required = true): string {
  if (value === undefined || value === null) {
    if (required) throw notNull(member);
    return undefined as unknown as string;
  }
  if (typeof value !== 'string') throw validation(value, member, 'Member must be a string');
  if (value.length < (rule.min ?? 0))
    throw validation(value, member, `Member must have length greater than or equal to ${rule.min}`);
  if (value.length > rule.max)
    throw validation(value, member, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !new RegExp(`^(?:${rule.pattern})$`, 's').test(value))
    throw validation(value, member, `Member must satisfy regular expression pattern: ${rule.pattern}`);
  return value;
}

function checkTransformation(t: unknown, member: string): MetricTransformation {
  if (t === null || typeof t !== 'object' || Array.isArray(t)) throw notNull(member);
  const x = t as JsonObject;
  const out: MetricTransformation = {
    metricName: checkString(x.metricName, `${member}.metricName`, METRIC_NAME),
    metricNamespace: checkString(x.metricNamespace, `${member}.metricNamespace`, METRIC_NAME),
    metricValue: checkString(x.metricValue, `${member}.metricValue`, { max: 100 }),
  };
  if (x.defaultValue !== undefined && typeof x.defaultValue !== 'number')
    throw validation(x.defaultValue, `${member}.defaultValue`, 'Member must be a number');
  if (x.unit !== undefined && !UNITS.includes(String(x.unit)))
    throw validation(x.unit, `${member}.unit`, `Member must satisfy enum value set: [${UNITS.join(', ')}]`);
  if (x.dimensions !== undefined && (x.dimensions === null || typeof x.dimensions !== 'object'))
    throw validation(x.dimensions, `${member}.dimensions`, 'Member must be a map');
  if (x.dimensions !== undefined && x.defaultValue !== undefined)
    throw invalidParameter('You cannot specify both defaultValue and dimensions for a metric transformation.');
  return {
    ...out,
    ...(x.defaultValue !== undefined ? { defaultValue: x.defaultValue as number } : {}),
    ...(x.dimensions !== undefined ? { dimensions: { ...(x.dimensions as Record<string, string>) } } : {}),
    ...(x.unit !== undefined ? { unit: String(x.unit) } : {}),
  };
}

export function putMetricFilter(model: LogsModel, b: JsonObject): void {
  validateName(b.logGroupName);
  const filterName = checkString(b.filterName, 'filterName', FILTER_NAME);
  const filterPattern = checkString(b.filterPattern, 'filterPattern', { max: 1024 });
  const list = b.metricTransformations;
  if (list === undefined || list === null) throw notNull('metricTransformations');
  if (!Array.isArray(list) || list.length !== 1)
    throw validation(
      list,
      'metricTransformations',
      `Member must have length ${Array.isArray(list) && list.length > 1 ? 'less than or equal to 1' : 'greater than or equal to 1'}`,
    );
  const metricTransformations = [checkTransformation(list[0], 'metricTransformations.1.member')];
  parseFilterPattern(filterPattern);
  const group = model.get(b.logGroupName);
  const filters = (group.metricFilters ??= {});
  if (!(filterName in filters) && Object.keys(filters).length >= MAX_FILTERS)
    throw new AwsError('LimitExceededException', 'Resource limit exceeded.');
  filters[filterName] = {
    filterName,
    filterPattern,
    metricTransformations,
    // an update keeps the filter's creation time
    creationTime: filters[filterName]?.creationTime ?? model.clock.nowMs(),
    logGroupName: group.logGroupName,
  };
}

export function deleteMetricFilter(model: LogsModel, b: JsonObject): void {
  validateName(b.logGroupName);
  const filterName = checkString(b.filterName, 'filterName', FILTER_NAME);
  const group = model.get(b.logGroupName);
  if (!group.metricFilters?.[filterName])
    throw new AwsError('ResourceNotFoundException', 'The specified metric filter does not exist.');
  delete group.metricFilters[filterName];
}

/** The filters a DescribeMetricFilters request selects, ordered by log group and then filter name. */
function selectFilters(model: LogsModel, b: JsonObject): MetricFilter[] {
  const prefix = checkString(b.filterNamePrefix, 'filterNamePrefix', FILTER_NAME, false);
  const metricName = checkString(b.metricName, 'metricName', METRIC_NAME, false);
  const metricNamespace = checkString(b.metricNamespace, 'metricNamespace', METRIC_NAME, false);
  if ((metricName === undefined) !== (metricNamespace === undefined))
    throw invalidParameter('metricName and metricNamespace must be specified together.');
  let groups = model.list();
  if (b.logGroupName !== undefined) groups = [model.get(validateName(b.logGroupName))];
  const byName = (x: MetricFilter, y: MetricFilter) => (x.filterName < y.filterName ? -1 : 1);
  return groups.flatMap((g) =>
    Object.values(g.metricFilters ?? {})
      // the prefix counts only together with a log group name (the operation's documentation)
      .filter((f) => b.logGroupName === undefined || prefix === undefined || f.filterName.startsWith(prefix))
      .filter(
        (f) =>
          metricName === undefined ||
          f.metricTransformations.some((t) => t.metricName === metricName && t.metricNamespace === metricNamespace),
      )
      .sort(byName),
  );
}

const filterKey = (f: MetricFilter) => `${f.logGroupName}\u0000${f.filterName}`;

export function describeMetricFilters(model: LogsModel, b: JsonObject): JsonObject {
  let limit = 50;
  if (b.limit !== undefined) {
    if (typeof b.limit !== 'number' || !Number.isInteger(b.limit) || b.limit < 1 || b.limit > 50)
      throw validation(
        b.limit,
        'limit',
        `Member must have value ${Number(b.limit) < 1 ? 'greater than or equal to 1' : 'less than or equal to 50'}`,
      );
    limit = b.limit;
  }
  let filters = selectFilters(model, b);
  if (b.nextToken !== undefined) {
    const after = pageAfter(b.nextToken);
    filters = filters.filter((f) => filterKey(f) > after);
  }
  const page = filters.slice(0, limit);
  const out: JsonObject = {
    metricFilters: page.map((f) => ({ ...f, metricTransformations: f.metricTransformations.map((t) => ({ ...t })) })),
  };
  if (filters.length > limit) out.nextToken = pageToken(filterKey(page[page.length - 1]!));
  return out;
}

export function testMetricFilter(b: JsonObject): JsonObject {
  const pattern = parseFilterPattern(checkString(b.filterPattern, 'filterPattern', { max: 1024 }));
  const messages = b.logEventMessages;
  if (messages === undefined || messages === null) throw notNull('logEventMessages');
  if (!Array.isArray(messages) || messages.length < 1 || messages.length > 50)
    throw validation(
      messages,
      'logEventMessages',
      `Member must have length ${Array.isArray(messages) && messages.length > 50 ? 'less than or equal to 50' : 'greater than or equal to 1'}`,
    );
  const matches: JsonObject[] = [];
  messages.forEach((m, i) => {
    const message = checkString(m, `logEventMessages.${i + 1}.member`, { min: 1, max: 1_048_576 });
    const extractedValues = matchEvent(pattern, message);
    if (extractedValues) matches.push({ eventNumber: i + 1, eventMessage: message, extractedValues });
  });
  return { matches };
}
