// Reading CloudWatch Logs events: GetLogEvents (one stream, from the head or the tail, with forward and backward
// tokens that repeat at either end, as AWS's do) and FilterLogEvents (a group's streams, by name or prefix,
// interleaved by time, matched by filter-pattern.ts). Input is checked against botocore's shapes first.
import { invalidParameter, pageAfter, pageToken } from './common.js';
import { matchEvent, parseFilterPattern } from './filter-pattern.js';
import type { LogEvent, LogsModel } from './logs-model.js';
import { GROUP_IDENTIFIER, STREAM_MEMBERS, groupNamed, streamOf, withIdentifier } from './logs-streams.js';
import { validateInput, type Shape } from './shapes.js';
import type { JsonObject } from './wire.js';

const TIMESTAMP: Shape = { type: 'long', min: 0 };
const EVENTS_LIMIT: Shape = { type: 'integer', min: 1, max: 10_000 };
const NEXT_TOKEN: Shape = { type: 'string', min: 1 };

const GET_EVENTS: Record<string, Shape> = {
  ...STREAM_MEMBERS,
  logGroupIdentifier: GROUP_IDENTIFIER,
  startTime: TIMESTAMP,
  endTime: TIMESTAMP,
  nextToken: NEXT_TOKEN,
  limit: EVENTS_LIMIT,
  startFromHead: { type: 'boolean' },
  unmask: { type: 'boolean' },
};

/** GetLogEvents' tokens: a direction and a position among the selected events. */
const positionToken = (direction: 'f' | 'b', at: number) => `${direction}/${String(at).padStart(56, '0')}/s`;
function positionOf(token: string): { direction: string; at: number } {
  const m = /^([fb])\/(\d{56})\/s$/.exec(token);
  if (!m) throw invalidParameter('The specified nextToken is invalid.');
  return { direction: m[1]!, at: Number(m[2]) };
}

const inWindow = (e: LogEvent, start: unknown, end: unknown, endInclusive: boolean) =>
  (start === undefined || e.timestamp >= (start as number)) &&
  (end === undefined || e.timestamp < (end as number) || (endInclusive && e.timestamp === end));

export function getLogEvents(model: LogsModel, b: JsonObject): JsonObject {
  validateInput(withIdentifier(GET_EVENTS, b), b);
  const stream = streamOf(groupNamed(model, b), b.logStreamName as string);
  // endTime excludes events at that time here (FilterLogEvents includes them): the operations' documentation
  const events = stream.events.filter((e) => inWindow(e, b.startTime, b.endTime, false));
  const limit = (b.limit as number | undefined) ?? 10_000;
  let from: number, to: number;
  if (b.nextToken !== undefined) {
    const { direction, at } = positionOf(b.nextToken as string);
    [from, to] = direction === 'f' ? [at, at + limit] : [Math.max(0, at - limit), at];
  } else if (b.startFromHead === true) [from, to] = [0, limit];
  else [from, to] = [Math.max(0, events.length - limit), events.length];
  from = Math.min(from, events.length);
  to = Math.min(Math.max(to, from), events.length);
  return {
    events: events.slice(from, to).map((e) => ({ ...e })),
    nextForwardToken: positionToken('f', to),
    nextBackwardToken: positionToken('b', from),
  };
}

const FILTER_EVENTS: Record<string, Shape> = {
  logGroupName: STREAM_MEMBERS.logGroupName!,
  logGroupIdentifier: GROUP_IDENTIFIER,
  logStreamNames: { type: 'list', min: 1, max: 100, member: { ...STREAM_MEMBERS.logStreamName!, required: false } },
  logStreamNamePrefix: { ...STREAM_MEMBERS.logStreamName!, required: false },
  startTime: TIMESTAMP,
  endTime: TIMESTAMP,
  filterPattern: { type: 'string', min: 0, max: 1024 },
  nextToken: NEXT_TOKEN,
  limit: EVENTS_LIMIT,
  interleaved: { type: 'boolean' },
  unmask: { type: 'boolean' },
};

/** An event's id: its stream and place, stable across calls (AWS's are opaque 56-digit strings). */
const eventId = (stream: number, at: number) => `${String(stream).padStart(28, '0')}${String(at).padStart(28, '0')}`;

export function filterLogEvents(model: LogsModel, b: JsonObject): JsonObject {
  validateInput(withIdentifier(FILTER_EVENTS, b), b);
  const names = b.logStreamNames as string[] | undefined,
    prefix = b.logStreamNamePrefix as string | undefined;
  // the words are ours: AWS documents that the two cannot be used together, not its message
  if (names !== undefined && prefix !== undefined)
    throw invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  const pattern = parseFilterPattern((b.filterPattern as string | undefined) ?? '');
  const group = groupNamed(model, b);
  // streams in name order; names that do not exist select nothing (as we understand AWS: no error)
  const all = Object.values(group.logStreams ?? {}).sort((x, y) => (x.logStreamName < y.logStreamName ? -1 : 1));
  const selected = (name: string) => (names ? names.includes(name) : prefix === undefined || name.startsWith(prefix));
  const streams = all.filter((s) => selected(s.logStreamName));
  const found = all.flatMap((s, i) =>
    (selected(s.logStreamName) ? s.events : []).flatMap((e, at) =>
      inWindow(e, b.startTime, b.endTime, true) && matchEvent(pattern, e.message)
        ? [{ logStreamName: s.logStreamName, ...e, eventId: eventId(i, at) }]
        : [],
    ),
  );
  // interleaved: by time across streams (always, as AWS has since 2019), then by stream
  found.sort((x, y) => x.timestamp - y.timestamp || (x.eventId < y.eventId ? -1 : 1));
  const place = (e: { timestamp: number; eventId: string }) => `${String(e.timestamp).padStart(16, '0')}/${e.eventId}`;
  let rest = found;
  if (b.nextToken !== undefined) {
    const after = pageAfter(b.nextToken);
    rest = found.filter((e) => place(e) > after);
  }
  const limit = (b.limit as number | undefined) ?? 10_000;
  const page = rest.slice(0, limit);
  const out: JsonObject = {
    events: page,
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.logStreamName, searchedCompletely: true })),
  };
  const last = page[page.length - 1];
  if (rest.length > limit && last) out.nextToken = pageToken(place(last));
  return out;
}
