// uri and get_url against a loopback server (http-fixture.ts): tsible runs uri-cases.yml and each task's result
// must equal what ansible-playbook 2.14 reported for it against the same server (uri.expected.json, recorded by
// uri.expected.sh), the port, the scratch directory and run-to-run values (temporary sources, times) masked.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';
import { startFixture } from './http-fixture.js';

const here = path.join(ROOT, 'test/modules');
/** Values that differ from run to run: the temporary file a download went through, times (`elapsed`: whole
 * seconds, 1 for a one-second timeout unless the machine is slow), the temporary names of copy's content and of
 * the files a form-multipart body uploads (Ansible's action moves them to its remote temporary folder). */
const VOLATILE = new Set(['src', 'delta', 'start', 'end', 'elapsed', '_original_basename', 'filename']);
function mask(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(mask);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        // a Python traceback: what users see of it is its last line (tsible runs no Python to have the frames)
        if (k === 'exception' && typeof x === 'string') return [k, x.trim().split('\n').pop()];
        return [k, VOLATILE.has(k) ? '<masked>' : mask(x)];
      }),
    );
  return v;
}
type Tasks = { task: { name: string }; hosts: { localhost: Record<string, unknown> } }[];
/** A multipart body's boundary is random. */
const tasksOf = (text: string): Tasks =>
  JSON.parse(text.slice(text.search(/^\{/m)).replace(/={15}\d{19}==/g, '<boundary>')).plays[0].tasks;

describe('uri and get_url as ansible-playbook 2.14 ran them against the same loopback server', () => {
  const expected = tasksOf(readFileSync(path.join(here, 'uri.expected.json'), 'utf8'));
  let ours: Tasks = [];
  let server: Awaited<ReturnType<typeof startFixture>>;
  let scratch = '';
  beforeAll(async () => {
    server = await startFixture();
    scratch = mkdtempSync(path.join(tmpdir(), 'tsible-uri-'));
    const run = await runCli(
      [
        path.join(here, 'uri-cases.yml'),
        '-e',
        `base=http://127.0.0.1:${server.port} dir=${scratch} tls_base=https://127.0.0.1:${server.tlsPort} ca=${server.caFile}`,
      ],
      { env: { ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1' } },
    );
    const text = run.stdout
      .replaceAll(`127.0.0.1:${server.port}`, '127.0.0.1:<port>')
      .replaceAll(`127.0.0.1:${server.tlsPort}`, '127.0.0.1:<tlsport>')
      .replaceAll(server.caFile, '<ca>')
      .replaceAll(scratch, '<dir>')
      .replaceAll(ROOT, '<root>');
    ours = tasksOf(text);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
  expected.forEach((t, i) =>
    it(`${i} ${t.task.name}`, () => {
      expect(ours[i]?.task.name).toBe(t.task.name);
      expect(mask(ours[i]!.hosts.localhost)).toEqual(mask(t.hosts.localhost));
    }),
  );
});
