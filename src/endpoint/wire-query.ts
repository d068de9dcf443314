// The AWS Query protocol (SES, and IAM, SNS, STS... in AWS): a form-encoded `Action=...&Version=...` request,
// an XML reply `<OpResponse><OpResult>...</OpResult><ResponseMetadata>` and the XML error envelope
// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`. Which service a request is for is told by
// its SigV4 credential scope (`/<signing name>/aws4_request`), or for an unsigned one by its API version.
import { AwsError } from './common.js';
import type { JsonObject, WireProtocol, WireReply, WireRequest } from './wire.js';

const XML_TYPE = 'text/xml';

interface QueryService {
  /** The API version requests carry (`Version=2010-12-01`). */
  readonly version: string;
  /** The SigV4 signing name (`ses`). */
  readonly signingName: string;
  /** The namespace of replies (`http://ses.amazonaws.com/doc/2010-12-01/`). */
  readonly xmlns: string;
}

/** The request's parameters: the form body, and the URL's query (a GET request carries them there). */
function parameters(request: WireRequest): URLSearchParams {
  const params = new URLSearchParams(new URL(request.url, 'http://endpoint').search);
  for (const [k, v] of new URLSearchParams(request.body)) params.append(k, v);
  return params;
}

const isForm = (request: WireRequest) =>
  String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ||
  (request.method === 'GET' && request.url.includes('Action='));

/** `A.B=1&A.C.member.1=x` -> `{ A: { B: '1', C: ['x'] } }`: a `member.N` (or bare N) step is a list index. */
function unflatten(params: URLSearchParams): JsonObject {
  const root: JsonObject = {};
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const steps = key.split('.').filter((s) => s !== 'member');
    let node: Record<string, unknown> = root;
    steps.forEach((step, i) => {
      const last = i === steps.length - 1;
      const slot = /^\d+$/.test(step) ? String(Number(step) - 1) : step;
      if (last) node[slot] = value;
      else node = (node[slot] ??= /^\d+$/.test(steps[i + 1]!) ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A value as Query XML: a structure's members as elements in order, a list's items as `<member>`s. */
function toXml(value: unknown): string {
  if (Array.isArray(value)) return value.map((x) => `<member>${toXml(x)}</member>`).join('');
  if (value && typeof value === 'object')
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  return escapeXml(String(value));
}

/** The Query protocol's error envelope: `Sender` for the caller's fault, `Receiver` for the service's. */
const queryError =
  (xmlns: string) =>
  (e: AwsError, requestId: string): WireReply => ({
    status: e.status,
    contentType: XML_TYPE,
    body:
      `<ErrorResponse xmlns="${xmlns}"><Error><Type>${e.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
      `<Code>${escapeXml(e.code)}</Code><Message>${escapeXml(e.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  });

export function awsQuery(service: QueryService): WireProtocol {
  const scope = `/${service.signingName}/aws4_request`;
  return {
    accepts(request) {
      if (!isForm(request)) return false;
      const auth = String(request.headers.authorization ?? '');
      if (auth) return auth.includes(scope);
      return parameters(request).get('Version') === service.version;
    },
    decode(request) {
      const params = parameters(request);
      const operation = params.get('Action');
      if (!operation) throw new AwsError('MissingAction', 'Could not find operation to perform.');
      return { operation, input: unflatten(params) };
    },
    reply: ({ operation }, output, requestId) => ({
      status: 200,
      contentType: XML_TYPE,
      body:
        `<${operation}Response xmlns="${service.xmlns}"><${operation}Result>${toXml(output)}</${operation}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
    }),
    error: queryError(service.xmlns),
  };
}
