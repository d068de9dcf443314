// `tsible local-aws`: a local AWS endpoint (CloudWatch Logs, SES) on loopback for tsible, the AWS SDKs, boto3 and the AWS CLI;
// with --tls, over HTTPS with a self-signed certificate whose path the user gives botocore as AWS_CA_BUNDLE.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { OptionsError } from '../errors.js';
import { startEndpoint } from '../endpoint/server.js';
import { selfSignedCertificate } from '../endpoint/tls.js';

/** The fault options, each setting the knob of the same name. */
const FAULT_OPTIONS: Record<string, string> = {
  '--frozen-clock-ms': 'frozenClockMs',
  '--latency-ms': 'latencyMs',
  '--throttle-rate': 'throttleRate',
  '--server-error-rate': 'serverErrorRate',
  '--listing-lag-ms': 'listingLagMs',
  '--clock-skew-ms': 'clockSkewMs',
  '--max-consecutive-throttles': 'maxConsecutiveThrottles',
};

interface LocalAwsCommand {
  host: string;
  port: number;
  stateFile?: string;
  tls: boolean;
  tlsDir?: string;
  faults: Record<string, number>;
}

function parseArgs(argv: string[]): LocalAwsCommand {
  const command: LocalAwsCommand = { host: '127.0.0.1', port: 4566, tls: false, faults: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!,
      v = () => {
        const x = argv[++i];
        if (x === undefined) throw new OptionsError(`argument ${a}: expected one argument`);
        return x;
      };
    if (a in FAULT_OPTIONS) command.faults[FAULT_OPTIONS[a]!] = Number(v());
    else if (a === '--host') command.host = v();
    else if (a === '--port') command.port = Number(v());
    else if (a === '--state-file') command.stateFile = v();
    else if (a === '--tls') command.tls = true;
    else if (a === '--tls-dir') command.tlsDir = v();
    else throw new OptionsError(`unrecognized arguments: ${a}`);
  }
  return command;
}

/** The key and certificate under `dir`: kept from an earlier run when both are there (so a bundle path stays
 * valid), else made. Without a directory, a fresh private one (a fixed shared path could hold someone's key). */
function tlsFiles(dir: string | undefined): { key: string; cert: string; caPath: string } {
  const where = dir ?? mkdtempSync(path.join(tmpdir(), 'tsible-local-aws-'));
  const keyPath = path.join(where, 'key.pem'),
    caPath = path.join(where, 'ca.pem');
  if (existsSync(keyPath) && existsSync(caPath))
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(caPath, 'utf8'), caPath };
  mkdirSync(where, { recursive: true, mode: 0o700 });
  const made = selfSignedCertificate();
  writeFileSync(keyPath, made.key, { mode: 0o600 });
  writeFileSync(caPath, made.cert);
  return { ...made, caPath };
}

export async function localAws(argv: string[], io: { out(s: string): void }): Promise<number> {
  const { host, port, stateFile, faults, ...command } = parseArgs(argv);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !host.startsWith('127.'))
    io.out(`[WARNING]: serving on ${host}, which is not a loopback address\n`);
  const tls = command.tls || command.tlsDir ? tlsFiles(command.tlsDir) : undefined;
  const ep = await startEndpoint({ host, port, stateFile, faults, ...(tls ? { tls } : {}) });
  const trust = tls ? ` AWS_CA_BUNDLE=${tls.caPath}` : '';
  io.out(
    `tsible local AWS endpoint (CloudWatch Logs, SES) listening on ${ep.url}\n` +
      (tls ? `  CA certificate: ${tls.caPath}\n` : '') +
      `  export AWS_URL=${ep.url}${trust} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n` +
      `  change faults while running: curl${tls ? ` --cacert ${tls.caPath}` : ''} -X POST ${ep.url}/_tsible/faults -d '{"throttleRate":0.3}'\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await ep.close();
  return 0;
}
