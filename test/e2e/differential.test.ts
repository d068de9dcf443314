// The differential suite (test/differential): everyday playbooks run by tsible and compared with what real
// ansible-playbook 2.14 printed for them (record.sh): exit code, PLAY RECAP, stdout and stderr (warnings). Each case
// runs in a fresh copy of its area's folder, as it was recorded; cases run in parallel. A case that differs must be
// listed in KNOWN_DIFFERENCES.yml with its reason, and a listed case must still differ, so that the list stays true.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as yaml from 'js-yaml';
import { ROOT, mapConcurrently, runCli, type CliRun } from '../helpers.js';
import { startHttpServer } from '../differential/http-server.mjs';

const HERE = path.join(ROOT, 'test/differential');
const RECORDED = path.join(HERE, 'recorded');
const CONCURRENCY = 3;
/** The environment record.sh runs ansible-playbook with. */
const ENV = {
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_DEPRECATION_WARNINGS: '0',
  ANSIBLE_RETRY_FILES_ENABLED: '0',
  ANSIBLE_LOCALHOST_WARNING: '0',
  ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
  ANSIBLE_FORKS: '1',
  ANSIBLE_STDOUT_CALLBACK: 'default',
};

interface Case {
  id: string;
  area: string;
  name: string;
}

const cases: Case[] = readdirSync(HERE)
  .filter((area) => area !== 'recorded' && statSync(path.join(HERE, area)).isDirectory())
  .flatMap((area) =>
    readdirSync(path.join(HERE, area))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => ({ id: `${area}/${f.slice(0, -4)}`, area, name: f.slice(0, -4) })),
  )
  .sort((a, b) => (a.id < b.id ? -1 : 1));

const knownGroups = yaml.load(readFileSync(path.join(HERE, 'KNOWN_DIFFERENCES.yml'), 'utf8')) as
  { reason: string; cases: string[] }[] | null;
const known = new Map((knownGroups ?? []).flatMap((g) => g.cases.map((id) => [id, g.reason] as const)));

const words = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
const argsOf = (c: Case) => [
  ...words(path.join(HERE, c.area, 'ARGS')),
  ...words(path.join(HERE, c.area, `${c.name}.args`)),
];
const envOf = (c: Case): Record<string, string> => {
  const file = path.join(HERE, c.area, `${c.name}.environ`);
  if (!existsSync(file)) return {};
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('='));
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
};

/** What differs from run to run of the same playbook: the timings of command results printed on failure, the
 * random names of the controller's temporary files that diffs are made from, and the order of the hosts that
 * --list-hosts prints (a Python set). */
const stable = (text: string) =>
  text
    .replace(/"(start|end|delta)": "[^"]*"/g, '"$1": "<masked>"')
    .replace(/^\+\+\+ after: \S*\/ansible-local-\S+$/gm, '+++ after: <local temporary file>')
    .replace(/(hosts \(\d+\):\n)((?: {6}\S.*\n)+)/g, (_all, head: string, hosts: string) =>
      [head, ...hosts.split(/(?<=\n)/).sort()].join(''),
    );
const recapOf = (text: string) => text.slice(text.lastIndexOf('PLAY RECAP'));

interface Outcome {
  id: string;
  rc: boolean;
  recap: boolean;
  stdout: boolean;
  stderr: boolean;
  got: CliRun;
  want: CliRun;
}

/** The loopback server of the uri and get_url cases. */
let http: { port: number; close: () => Promise<void> };
beforeAll(async () => {
  http = await startHttpServer();
});
afterAll(() => http.close());

async function runCase(c: Case): Promise<Outcome> {
  const work = mkdtempSync(path.join(tmpdir(), 'tsible-differential-'));
  const dir = path.join(work, c.area);
  cpSync(path.join(HERE, c.area), dir, { recursive: true });
  const run = await runCli([`${c.name}.yml`, ...argsOf(c)], {
    cwd: dir,
    env: { ...ENV, DIFF_HTTP: `http://127.0.0.1:${http.port}`, ...envOf(c) },
  });
  rmSync(work, { recursive: true, force: true });
  const normal = (text: string) =>
    text
      .replaceAll(dir, '<dir>')
      .replaceAll(`127.0.0.1:${http.port}`, '127.0.0.1:<port>')
      .replaceAll(`${homedir()}/`, '<home>/');
  const got = { code: run.code, stdout: stable(normal(run.stdout)), stderr: normal(run.stderr) };
  const recorded = (ext: string) => readFileSync(path.join(RECORDED, c.area, `${c.name}.${ext}`), 'utf8');
  const want = { code: Number(recorded('rc')), stdout: stable(recorded('out')), stderr: recorded('err') };
  return {
    id: c.id,
    rc: got.code === want.code,
    recap: recapOf(got.stdout) === recapOf(want.stdout),
    stdout: got.stdout === want.stdout,
    stderr: got.stderr === want.stderr,
    got,
    want,
  };
}

const runAll = async (): Promise<Outcome[]> =>
  (await mapConcurrently(cases, CONCURRENCY, runCase)).sort((a, b) => (a.id < b.id ? -1 : 1));

const identical = (o: Outcome) => o.rc && o.recap && o.stdout && o.stderr;

/** The first line where two texts part, for the failure message. */
function firstDifference(got: string, want: string): string {
  const g = got.split('\n');
  const w = want.split('\n');
  const i = g.findIndex((line, n) => line !== w[n]);
  const at = i < 0 ? g.length : i;
  return `line ${at + 1}\n    tsible:  ${JSON.stringify(g[at])}\n    ansible: ${JSON.stringify(w[at])}`;
}

function explain(o: Outcome): string {
  const parts = [o.id];
  if (!o.rc) parts.push(`  exit code: tsible ${o.got.code}, ansible ${o.want.code}`);
  if (!o.stdout) parts.push(`  stdout at ${firstDifference(o.got.stdout, o.want.stdout)}`);
  if (!o.stderr) parts.push(`  stderr at ${firstDifference(o.got.stderr, o.want.stderr)}`);
  return parts.join('\n');
}

describe('differential suite against ansible-playbook 2.14', () => {
  it('every case is recorded, and every known difference names a case', () => {
    expect(cases.filter((c) => !existsSync(path.join(RECORDED, c.area, `${c.name}.rc`))).map((c) => c.id)).toEqual([]);
    expect([...known.keys()].filter((id) => !cases.some((c) => c.id === id))).toEqual([]);
  });

  it(`tsible prints what ansible-playbook printed (${cases.length} cases)`, { timeout: 1_800_000 }, async () => {
    const outcomes = await runAll();
    const count = (test: (o: Outcome) => boolean) => outcomes.filter(test).length;
    const pct = (n: number) => `${n}/${outcomes.length} (${((100 * n) / outcomes.length).toFixed(1)} %)`;
    console.log(
      `differential suite: identical ${pct(count(identical))}; exit code ${pct(count((o) => o.rc))}, ` +
        `recap ${pct(count((o) => o.recap))}, stdout ${pct(count((o) => o.stdout))}, stderr ${pct(count((o) => o.stderr))}`,
    );
    const unexplained = outcomes.filter((o) => !identical(o) && !known.has(o.id));
    expect(unexplained.map(explain)).toEqual([]);
    // a listed case that now matches must leave the list
    expect(outcomes.filter((o) => identical(o) && known.has(o.id)).map((o) => o.id)).toEqual([]);
  });
});
