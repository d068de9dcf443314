// CloudWatch Logs log streams and their events over the log group model: Create/Describe/DeleteLogStream,
// PutLogEvents (the batch rules of the operation's documentation; sequence tokens accepted and ignored, as AWS has
// done since 2023), GetLogEvents with forward and backward tokens, FilterLogEvents with filter-pattern.ts, and
// Associate/DisassociateKmsKey. Input is checked against the shapes of botocore's model before any state is read.
import { AwsError, invalidParameter, pageAfter, pageToken } from './common.js';
import type { LogEvent, LogGroup, LogStream, LogsModel } from './logs-model.js';
import { validateInput, type Shape } from './shapes.js';
import type { JsonObject } from './wire.js';

export const GROUP_NAME: Shape = { type: 'string', required: true, min: 1, max: 512, pattern: '[\\.\\-_/#A-Za-z0-9]+' };
const STREAM_NAME: Shape = { type: 'string', required: true, min: 1, max: 512, pattern: '[^:*]*' };
export const GROUP_IDENTIFIER: Shape = { type: 'string', min: 1, max: 2048, pattern: '[\\w#+=/:,.@-]*' };
const OPTIONAL_STREAM_NAME: Shape = { ...STREAM_NAME, required: false };
const NEXT_TOKEN: Shape = { type: 'string', min: 1 };
const TIMESTAMP: Shape = { type: 'long', min: 0 };
export const STREAM_MEMBERS: Record<string, Shape> = { logGroupName: GROUP_NAME, logStreamName: STREAM_NAME };

const HOUR = 3_600_000,
  DAY = 24 * HOUR;
/** PutLogEvents' batch limits (its documentation): bytes counted as UTF-8 messages plus 26 per event. */
const MAX_BATCH_BYTES = 1_048_576,
  EVENT_OVERHEAD = 26,
  // the documentation of this model's era says 256 KB per event (later pages say 1 MB)
  MAX_EVENT_BYTES = 262_144;

const streamNotFound = () => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');

export function streamOf(group: LogGroup, name: string): LogStream {
  const stream = group.logStreams?.[name];
  if (!stream) throw streamNotFound();
  return stream;
}

/** The group a request names by logGroupName or logGroupIdentifier (a name or an ARN), which exclude each other. */
export function groupNamed(model: LogsModel, b: JsonObject): LogGroup {
  if (b.logGroupName !== undefined && b.logGroupIdentifier !== undefined)
    throw invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  const id = b.logGroupIdentifier as string | undefined;
  if (id === undefined) return model.get(b.logGroupName);
  return id.startsWith('arn:') ? model.groupByArn(id) : model.get(id);
}

/** The members of a request that may name its group by identifier instead of name. */
export function withIdentifier(members: Record<string, Shape>, b: JsonObject): Record<string, Shape> {
  if (b.logGroupIdentifier === undefined) return members;
  return { ...members, logGroupName: { ...GROUP_NAME, required: false }, logGroupIdentifier: GROUP_IDENTIFIER };
}

export function createLogStream(model: LogsModel, b: JsonObject): void {
  validateInput(STREAM_MEMBERS, b);
  const group = model.get(b.logGroupName);
  const streams = (group.logStreams ??= {});
  const name = b.logStreamName as string;
  if (streams[name]) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  streams[name] = { logStreamName: name, creationTime: model.clock.nowMs(), events: [] };
}

export function deleteLogStream(model: LogsModel, b: JsonObject): void {
  validateInput(STREAM_MEMBERS, b);
  const group = model.get(b.logGroupName);
  streamOf(group, b.logStreamName as string);
  delete group.logStreams![b.logStreamName as string];
}

const DESCRIBE_STREAMS: Record<string, Shape> = {
  logGroupName: GROUP_NAME,
  logGroupIdentifier: GROUP_IDENTIFIER,
  logStreamNamePrefix: OPTIONAL_STREAM_NAME,
  orderBy: { type: 'string', enum: ['LogStreamName', 'LastEventTime'] },
  descending: { type: 'boolean' },
  nextToken: NEXT_TOKEN,
  limit: { type: 'integer', min: 1, max: 50 },
};

function describeStream(model: LogsModel, group: LogGroup, s: LogStream): JsonObject {
  const out: JsonObject = { logStreamName: s.logStreamName, creationTime: s.creationTime };
  if (s.firstEventTimestamp !== undefined) out.firstEventTimestamp = s.firstEventTimestamp;
  if (s.lastEventTimestamp !== undefined) out.lastEventTimestamp = s.lastEventTimestamp;
  if (s.lastIngestionTime !== undefined) out.lastIngestionTime = s.lastIngestionTime;
  out.uploadSequenceToken = sequenceToken(s);
  out.arn = `${model.arnOf(group.logGroupName)}:log-stream:${s.logStreamName}`;
  out.storedBytes = 0;
  return out;
}

export function describeLogStreams(model: LogsModel, b: JsonObject): JsonObject {
  validateInput(withIdentifier(DESCRIBE_STREAMS, b), b);
  const byTime = b.orderBy === 'LastEventTime';
  const prefix = b.logStreamNamePrefix as string | undefined;
  if (byTime && prefix !== undefined)
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  const group = groupNamed(model, b);
  const key = (s: LogStream) =>
    (byTime ? `${String(s.lastEventTimestamp ?? 0).padStart(16, '0')}/` : '') + s.logStreamName;
  let streams = Object.values(group.logStreams ?? {})
    .filter((s) => prefix === undefined || s.logStreamName.startsWith(prefix))
    .sort((x, y) => (key(x) < key(y) ? -1 : 1));
  if (b.descending === true) streams.reverse();
  if (b.nextToken !== undefined) {
    // the streams past the token's in the listing's order, so that a deleted stream does not break a listing
    const after = pageAfter(b.nextToken);
    streams = streams.filter((s) => (b.descending === true ? key(s) < after : key(s) > after));
  }
  const limit = (b.limit as number | undefined) ?? 50;
  const page = streams.slice(0, limit);
  const out: JsonObject = { logStreams: page.map((s) => describeStream(model, group, s)) };
  if (streams.length > limit) out.nextToken = pageToken(key(page[page.length - 1]!));
  return out;
}

/** The token AWS would have required next (56 digits, as AWS's look); no longer checked. */
const sequenceToken = (s: LogStream) => String(s.events.length + 1).padStart(56, '0');

const PUT_EVENTS: Record<string, Shape> = {
  ...STREAM_MEMBERS,
  logEvents: {
    type: 'list',
    required: true,
    min: 1,
    max: 10_000,
    member: {
      type: 'structure',
      members: { timestamp: { ...TIMESTAMP, required: true }, message: { type: 'string', required: true, min: 1 } },
    },
  },
  sequenceToken: NEXT_TOKEN,
};

/** The batch rules that fail the whole request. */
function checkBatch(events: readonly { timestamp: number; message: string }[]): void {
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const size = Buffer.byteLength(events[i]!.message) + EVENT_OVERHEAD;
    if (size > MAX_EVENT_BYTES)
      throw invalidParameter(`Log event too large: ${size} bytes exceeds limit of ${MAX_EVENT_BYTES}`);
    bytes += size;
    if (i > 0 && events[i]!.timestamp < events[i - 1]!.timestamp)
      throw invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
  }
  if (bytes > MAX_BATCH_BYTES)
    throw invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  if (events.length > 0 && events[events.length - 1]!.timestamp - events[0]!.timestamp > DAY)
    throw invalidParameter('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
}

/** The events of a batch AWS stores, and rejectedLogEventsInfo for those it drops: more than 2 hours ahead, more
 * than 14 days old, or older than the group's retention. The batch is in order, so each kind is a run at one end. */
function acceptedEvents(group: LogGroup, events: readonly LogEvent[], now: number) {
  const retention = group.retentionInDays !== undefined ? now - group.retentionInDays * DAY : -Infinity;
  const tooOld = events.filter((e) => e.timestamp < now - 14 * DAY).length;
  const expired = events.filter((e) => e.timestamp < retention).length;
  const tooNewAt = events.findIndex((e) => e.timestamp > now + 2 * HOUR);
  const first = Math.max(tooOld, expired),
    end = tooNewAt < 0 ? events.length : tooNewAt;
  const info: JsonObject = {};
  if (tooNewAt >= 0) info.tooNewLogEventStartIndex = tooNewAt;
  if (tooOld > 0) info.tooOldLogEventEndIndex = tooOld - 1;
  if (expired > 0) info.expiredLogEventEndIndex = expired - 1;
  return { kept: events.slice(first, Math.max(first, end)), info };
}

export function putLogEvents(model: LogsModel, b: JsonObject): JsonObject {
  validateInput(PUT_EVENTS, b);
  const batch = b.logEvents as Array<{ timestamp: number; message: string }>;
  checkBatch(batch);
  const group = model.get(b.logGroupName);
  const stream = streamOf(group, b.logStreamName as string);
  const now = model.clock.nowMs();
  const events = batch.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: now }));
  const { kept, info } = acceptedEvents(group, events, now);
  for (const e of kept) {
    let at = stream.events.length;
    while (at > 0 && stream.events[at - 1]!.timestamp > e.timestamp) at--;
    stream.events.splice(at, 0, e);
  }
  if (kept.length > 0) {
    stream.firstEventTimestamp = stream.events[0]!.timestamp;
    stream.lastEventTimestamp = stream.events[stream.events.length - 1]!.timestamp;
    stream.lastIngestionTime = now;
  }
  const out: JsonObject = { nextSequenceToken: sequenceToken(stream) };
  if (Object.keys(info).length > 0) out.rejectedLogEventsInfo = info;
  return out;
}
