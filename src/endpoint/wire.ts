// AWS wire protocols as the local endpoint speaks them: how a request names its service and operation, how its
// input is read, how an answer and an AwsError are written. A service's operations (logs-protocol.ts for
// CloudWatch Logs) stay in plain objects; its protocol here turns them into bytes. AWS JSON 1.1 for now; the
// Query protocol (form-encoded in, XML out: SES) is a second implementation of the same interface.
import type { IncomingHttpHeaders } from 'node:http';
import { AwsError } from './common.js';

export type JsonObject = Record<string, unknown>;

export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}
export interface WireCall {
  readonly operation: string;
  readonly input: JsonObject;
}
export interface WireReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Written after the endpoint's own (Content-Type, Content-Length, x-amzn-RequestId). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface WireProtocol {
  /** Whether the request is addressed to this service (JSON: its X-Amz-Target prefix). */
  accepts(request: WireRequest): boolean;
  /** The operation and its input; throws an AwsError for a request the service would refuse unread. */
  decode(request: WireRequest): WireCall;
  reply(call: WireCall, output: JsonObject, requestId: string): WireReply;
  error(e: AwsError, requestId: string): WireReply;
}

export const JSON_TYPE = 'application/x-amz-json-1.1';
const targetOf = (request: WireRequest) => String(request.headers['x-amz-target'] ?? '');
export const unknownTarget = (request: WireRequest) =>
  new AwsError('UnknownOperationException', `Unknown target ${targetOf(request) || '(none)'}`);

/** AWS JSON 1.1: POST /, `X-Amz-Target: <prefix>.<Operation>`, JSON in and out; errors as a bare `__type` and
 * `message` in the body and the same code in `x-amzn-ErrorType` (both the JS SDK and botocore read them). */
export function awsJson11(targetPrefix: string): WireProtocol {
  return {
    accepts: (request) => targetOf(request).split('.')[0] === targetPrefix,
    decode(request) {
      const operation = targetOf(request).split('.')[1];
      if (request.method !== 'POST' || !operation) throw unknownTarget(request);
      const input = parseObject(request.body);
      if (!input) throw new AwsError('SerializationException', 'Request body is not valid JSON');
      return { operation, input };
    },
    reply: (_call, output) => ({ status: 200, contentType: JSON_TYPE, body: JSON.stringify(output) }),
    error: jsonError,
  };
}

/** A request body as a JSON object: empty or `null` is no members (what AWS's JSON protocol reads as an absent
 * input structure; we are not sure AWS accepts a literal `null`, and pick the reading botocore's model implies: no
 * members, so the required ones fail validation); anything else that is not an object is undefined. */
export function parseObject(body: string): JsonObject | undefined {
  if (!body.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (value === null) return {};
  return typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** AWS JSON's error envelope, also for requests no service accepts (as CloudWatch Logs answers an unknown target). */
export const jsonError = (e: AwsError): WireReply => ({
  status: e.status,
  contentType: JSON_TYPE,
  body: JSON.stringify({ __type: e.code, message: e.message, ...e.extra }),
  headers: { 'x-amzn-ErrorType': e.code },
});
