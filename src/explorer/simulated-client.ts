// The CloudWatch Logs and SES clients the modules get in a simulation: each send() is an interleaving point that the
// in-memory endpoint answers directly (the SDK's middleware would cost half of every schedule), with the SDK's
// error shape and its retries kept. Everything the executor's AWS settings need comes from simulatedAws().
import type { AwsClient, AwsSdk } from '../aws/client.js';
import type { RunOptions } from '../executor/play-executor.js';

/** The services a simulation answers. */
export type SimulatedService = 'logs' | 'ses';

/** One attempt's answer: the endpoint's body, or an AWS error (status 0: no reply came). */
export type Answer = { body: unknown } | { error: { code: string; status: number; message: string } };

/** What one process's client needs from its schedule. */
export interface SimulatedTransport {
  /** A request id, drawn before the attempt's interleaving point (ids are numbered across the schedule). */
  requestId(): string;
  /** The interleaving point before an attempt; false: the schedule stopped. */
  reach(label: string): Promise<boolean>;
  /** The attempt, once the process moved past its point. */
  attempt(op: string, input: Record<string, unknown>, service: SimulatedService): Answer;
  /** The wait before a retry, an interleaving point too; false: the schedule stopped. */
  backOff(ms: number, label: string): Promise<boolean>;
  /** A draw for the retry's jitter. */
  jitter(): number;
}

/** What the modules call on a client: `send(new XCommand(input))`. */
type SimulatedCommand = { input?: Record<string, unknown>; constructor: { name: string } };
/** The command classes the modules get in a simulation: `new DescribeLogGroupsCommand(input)` keeps its name and
 * input, which is all the simulated client reads (the SDK's own classes build a middleware stack each). */
const commandClasses = new Map<string, new (input: unknown) => unknown>();
const SIMULATED_COMMANDS = new Proxy(
  {},
  {
    get: (_target, name) => {
      // (only commands: `await` asks for `then`, which must stay undefined)
      if (typeof name !== 'string' || !name.endsWith('Command')) return undefined;
      let made = commandClasses.get(name);
      if (!made) {
        made = {
          [name]: class {
            constructor(readonly input: unknown) {}
          },
        }[name]!;
        commandClasses.set(name, made);
      }
      return made;
    },
  },
);

// the SDK's standard retry mode: 3 attempts by default, but tsible's clients make 5 (botocore's legacy mode, as
// Ansible does); throttling and transient errors (5xx, timeouts, network) are retried after
// random * 2^retries * base ms (base 500 for throttling, 100 otherwise), capped at 20 s
const MAX_ATTEMPTS = 5;
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

type AwsErrorAnswer = Extract<Answer, { error: unknown }>['error'];
interface Attempted {
  readonly requestId: string;
  readonly attempt: number;
  readonly totalRetryDelay: number;
}

/** The error the SDK throws after its last attempt, as the modules read it. */
function sdkError(error: AwsErrorAnswer, { requestId, attempt, totalRetryDelay }: Attempted): Error {
  const $metadata = { httpStatusCode: error.status, requestId, attempts: attempt, totalRetryDelay };
  return Object.assign(new Error(error.message), {
    name: error.code,
    $fault: error.status >= 500 ? 'server' : 'client',
    $metadata: error.status ? $metadata : { attempts: attempt, totalRetryDelay },
    ...(error.status
      ? {
          $response: {
            statusCode: error.status,
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amzn-requestid': requestId,
              'x-amzn-errortype': error.code,
            },
          },
        }
      : { code: 'ECONNRESET' }),
  });
}

const retryable = (error: AwsErrorAnswer) =>
  THROTTLING.has(error.code) || TRANSIENT.has(error.code) || [500, 502, 503, 504].includes(error.status);

/** SES's answers as the SDK's Query deserializer hands them over: timestamps (ISO 8601 text on the wire) as Dates. */
function sdkShape(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && key.endsWith('Timestamp')) return new Date(value);
  if (Array.isArray(value)) return value.map((v) => sdkShape(v));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sdkShape(v, k)]));
}

async function send(t: SimulatedTransport, service: SimulatedService, command: SimulatedCommand) {
  const op = command.constructor.name.replace(/Command$/, '');
  const input = command.input ?? {};
  let totalRetryDelay = 0;
  for (let attempt = 1; ; attempt++) {
    const requestId = t.requestId();
    if (!(await t.reach(`${op} ${JSON.stringify(input)}`))) throw new Error('the schedule stopped');
    const answer = t.attempt(op, input, service);
    if ('body' in answer)
      return {
        ...((service === 'ses' ? sdkShape(answer.body) : answer.body) as object),
        $metadata: { httpStatusCode: 200, requestId, attempts: attempt, totalRetryDelay },
      };
    const { error } = answer;
    if (attempt >= MAX_ATTEMPTS || !retryable(error)) throw sdkError(error, { requestId, attempt, totalRetryDelay });
    const delay = Math.floor(
      Math.min(20_000, t.jitter() * 2 ** (attempt - 1) * (THROTTLING.has(error.code) ? 500 : 100)),
    );
    totalRetryDelay += delay;
    if (!(await t.backOff(delay, `SDK retry ${attempt} of ${op} after ${error.code}, in ${delay} ms`)))
      throw new Error('the schedule stopped');
  }
}

/** One service's simulated client. */
const simulatedClient = (transport: SimulatedTransport, service: SimulatedService) => ({
  send: (command: SimulatedCommand) => send(transport, service, command),
  destroy() {
    /* nothing to release */
  },
});

/** The executor's AWS settings for one simulated process: its clients and command classes. */
export function simulatedAws(transport: SimulatedTransport): RunOptions['aws'] {
  const logs = simulatedClient(transport, 'logs') as unknown as AwsClient<'logs'>;
  const ses = simulatedClient(transport, 'ses') as unknown as AwsClient<'ses'>;
  return {
    services: {
      logs: { client: async () => logs, commands: SIMULATED_COMMANDS as AwsSdk<'logs'> },
      ses: { client: async () => ses, commands: SIMULATED_COMMANDS as AwsSdk<'ses'> },
    },
  };
}
