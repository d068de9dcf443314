// `tsible local-aws`: a local AWS endpoint (CloudWatch Logs, SES) on loopback for tsible, the AWS SDKs, boto3 and the AWS CLI.
import { OptionsError } from '../errors.js';
import { startEndpoint } from '../endpoint/server.js';

export async function localAws(argv: string[], io: { out(s: string): void }): Promise<number> {
  let host = '127.0.0.1',
    port = 4566,
    stateFile: string | undefined;
  const faults: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!,
      v = () => {
        const x = argv[++i];
        if (x === undefined) throw new OptionsError(`argument ${a}: expected one argument`);
        return x;
      };
    switch (a) {
      case '--host':
        host = v();
        break;
      case '--port':
        port = Number(v());
        break;
      case '--frozen-clock-ms':
        faults.frozenClockMs = Number(v());
        break;
      case '--state-file':
        stateFile = v();
        break;
      case '--latency-ms':
        faults.latencyMs = Number(v());
        break;
      case '--throttle-rate':
        faults.throttleRate = Number(v());
        break;
      case '--server-error-rate':
        faults.serverErrorRate = Number(v());
        break;
      case '--listing-lag-ms':
        faults.listingLagMs = Number(v());
        break;
      case '--clock-skew-ms':
        faults.clockSkewMs = Number(v());
        break;
      case '--max-consecutive-throttles':
        faults.maxConsecutiveThrottles = Number(v());
        break;
      default:
        throw new OptionsError(`unrecognized arguments: ${a}`);
    }
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !host.startsWith('127.'))
    io.out(`[WARNING]: serving on ${host}, which is not a loopback address\n`);
  const ep = await startEndpoint({ host, port, stateFile, faults });
  io.out(
    `tsible local AWS endpoint (CloudWatch Logs, SES) listening on ${ep.url}\n  export AWS_URL=${ep.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n  change faults while running: curl -X POST ${ep.url}/_tsible/faults -d '{"throttleRate":0.3}'\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await ep.close();
  return 0;
}
