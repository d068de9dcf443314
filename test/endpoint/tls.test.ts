// The endpoint over HTTPS with its own self-signed certificate (tls.ts writes the DER itself): Node trusts it given
// the CA and refuses it otherwise; `tsible local-aws --tls` prints the CA path, which boto3 and the AWS CLI take
// as AWS_CA_BUNDLE (run where they are installed, skipped with the reason otherwise).
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startEndpoint } from '../../src/endpoint/server.js';
import { selfSignedCertificate } from '../../src/endpoint/tls.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tsible.js');

/** One AWS JSON call over HTTPS, trusting `ca` (or only Node's own roots). */
function call(url: string, target: string, body: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'X-Amz-Target': `Logs_20140328.${target}` }, ...(ca ? { ca } : {}) },
      (res) => {
        let text = '';
        res.on('data', (b: Buffer) => (text += b));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('self-signed certificate', () => {
  it('is a CA for localhost, 127.0.0.1 and ::1, signed by its own key', () => {
    const made = selfSignedCertificate();
    const cert = new X509Certificate(made.cert);
    expect(cert.ca).toBe(true);
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
  });
});

describe('the endpoint over HTTPS', () => {
  it('serves clients that trust its CA at https://localhost, and no others', async () => {
    const tls = selfSignedCertificate();
    const ep = await startEndpoint({ tls });
    try {
      expect(ep.url).toMatch(/^https:\/\/localhost:\d+$/);
      expect(ep.caCert).toBe(tls.cert);
      expect(await call(ep.url, 'CreateLogGroup', '{"logGroupName":"tls/a"}', tls.cert)).toEqual({
        status: 200,
        body: '{}',
      });
      const ip = ep.url.replace('localhost', '127.0.0.1');
      expect((await call(ip, 'DescribeLogGroups', '{}', tls.cert)).body).toContain('"logGroupName":"tls/a"');
      await expect(call(ep.url, 'DescribeLogGroups', '{}')).rejects.toThrow(/self-signed|self signed/);
    } finally {
      await ep.close();
    }
  });
});

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;
const hasAwsCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

describe('tsible local-aws --tls', () => {
  it('prints its CA path; boto3 and the AWS CLI work with it as AWS_CA_BUNDLE where installed', async () => {
    const server = spawn(process.execPath, [BIN, 'local-aws', '--port', '0', '--tls'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const { url, ca } = await new Promise<{ url: string; ca: string }>((resolve) => {
        let out = '';
        server.stdout.on('data', (b) => {
          out += b;
          const url = /listening on (https:\/\/\S+)/.exec(out)?.[1];
          const ca = /CA certificate: (\S+)/.exec(out)?.[1];
          if (url && ca) resolve({ url, ca });
        });
      });
      expect(url).toMatch(/^https:\/\/localhost:\d+$/);
      const env = { ...process.env, AWS_CA_BUNDLE: ca, AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' };
      if (!hasBoto3) console.log('skipped boto3 over TLS: python3 has no boto3');
      else {
        const script = [
          'import boto3, logging',
          'boto3.set_stream_logger("botocore", logging.DEBUG)',
          `c = boto3.client("logs", endpoint_url="${url}", region_name="eu-west-1")`,
          'c.create_log_group(logGroupName="tls/boto3")',
          'print(c.describe_log_groups()["logGroups"][0]["arn"])',
          // botocore checks required members and minimum lengths itself: the request never leaves the client
          'try:\n    c.put_log_events(logGroupName="tls/boto3", logStreamName="s", logEvents=[])\nexcept Exception as e:\n    print(type(e).__name__)',
          'c.create_log_stream(logGroupName="tls/boto3", logStreamName="s")',
          'print(c.put_log_events(logGroupName="tls/boto3", logStreamName="s", logEvents=[{"timestamp": 1, "message": "m"}])["rejectedLogEventsInfo"])',
        ].join('\n');
        const py = spawnSync('python3', ['-c', script], { encoding: 'utf8', env });
        expect(py.stdout).toBe(
          "arn:aws:logs:eu-west-1:000000000000:log-group:tls/boto3:*\nParamValidationError\n{'tooOldLogEventEndIndex': 0}\n",
        );
        expect(py.stderr).toContain(`'url': '${url}/'`);
      }
      if (!hasAwsCli) console.log('skipped the AWS CLI over TLS: aws is not installed');
      else {
        const args = [
          'logs',
          'describe-log-groups',
          '--endpoint-url',
          url,
          '--region',
          'eu-west-1',
          '--output',
          'json',
        ];
        const cli = spawnSync('aws', args, { encoding: 'utf8', env });
        expect(cli.stderr).toBe('');
        expect(JSON.parse(cli.stdout).logGroups.map((g: { logGroupName: string }) => g.logGroupName)).toEqual([
          ...(hasBoto3 ? ['tls/boto3'] : []),
        ]);
      }
    } finally {
      server.kill('SIGTERM');
    }
  });
});
