// What every service model of the local endpoint shares: time from an injected clock (the explorer owns it), and
// one error class carrying AWS's code, words and HTTP status, which each service's protocol writes in its own form.
export interface Clock {
  nowMs(): number;
}
export const systemClock: Clock = { nowMs: () => Date.now() };

/** The account and region a request is served in: every service keeps its state per home, as AWS does. */
export interface Home {
  readonly account: string;
  readonly region: string;
}

export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** AWS's InvalidParameterException, which carries every validation failure of a member. */
export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);

/** A listing's nextToken: the key of the page's last item, opaque to clients. */
export const pageToken = (key: string) => Buffer.from(`v1:${key}`, 'utf8').toString('base64url');
/** The key a nextToken continues after; an InvalidParameterException for a token no listing gave. */
export function pageAfter(token: unknown): string {
  if (typeof token !== 'string' || token.length < 1) throw invalidParameter('The specified nextToken is invalid.');
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('v1:')) throw invalidParameter('The specified nextToken is invalid.');
  return text.slice(3);
}

/** Fault knobs a test or a user sets at start or while the endpoint runs. Latency, throttling and server errors
 * apply to every service; listing lag and creation times are CloudWatch Logs'. */
export interface Faults {
  latencyMs: number;
  throttleRate: number;
  serverErrorRate: number;
  /** DescribeLogGroups does not see creates/deletes younger than this. */
  listingLagMs: number;
  /** Added to every creation time (negative: an earlier timestamp). */
  clockSkewMs: number;
  /** Creation times stay at this value (null: the clock runs). */
  frozenClockMs: number | null;
  /** At most this many throttles in a row for one caller and operation (0: no limit), so that a
   * client with N retries always gets through when N exceeds it: deterministic tests at a high rate. */
  maxConsecutiveThrottles: number;
}
export const NO_FAULTS: Faults = {
  latencyMs: 0,
  throttleRate: 0,
  serverErrorRate: 0,
  listingLagMs: 0,
  clockSkewMs: 0,
  frozenClockMs: null,
  maxConsecutiveThrottles: 0,
};
