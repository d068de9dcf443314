// `npm run conformance -- --ansible DIR [TARGET...]`: ansible-core's own integration targets (a local checkout of
// ansible/ansible at stable-2.14, never committed) run through `tsible test`, each in its own process within a time
// limit; one line per target, a summary, and a JSON report.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: npm run conformance -- --ansible DIR [--jobs N] [--timeout SECONDS] [--json FILE] [--runnable]
                                [TARGET | PATTERN ...]

Runs the integration targets of ansible-core (DIR/test/integration/targets) through tsible test.

  --ansible DIR      a local checkout of ansible/ansible at stable-2.14 (never committed), for example:
                       git clone --depth 1 --branch stable-2.14 https://github.com/ansible/ansible.git DIR
  --jobs N           targets at once (default 2)
  --timeout SECONDS  each target's time limit; a target still running is killed and counted failed (default 300)
  --json FILE        the JSON report (default conformance-report.json)
  --runnable         only the targets test/conformance/applicability.tsv marks runnable
  TARGET, PATTERN    target names or alias patterns (default: every target that is not hidden)
`;

function parse(argv) {
  const o = { ansible: undefined, jobs: '2', timeout: '300', json: 'conformance-report.json', rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') o.help = true;
    else if (a === '--runnable') o.runnable = true;
    else if (['--ansible', '--jobs', '--timeout', '--json'].includes(a)) o[a.slice(2)] = argv[++i];
    else o.rest.push(a);
  }
  return o;
}

/** The targets the applicability table marks runnable, as patterns matching exactly their names. */
function runnableTargets() {
  return readFileSync(path.join(ROOT, 'test/conformance/applicability.tsv'), 'utf8')
    .split('\n')
    .map((l) => l.split('\t'))
    .filter(([name, applicability]) => name && !name.startsWith('#') && applicability === 'runnable')
    .map(([name]) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

/** The commit a checkout is at, when it is a git checkout. */
function commitOf(dir) {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return undefined;
  }
}

/** The report keeps each target's outcome; the runs' full results stay out of it. */
function writeReport(o, full) {
  const { summary, targets } = JSON.parse(readFileSync(full, 'utf8'));
  const report = {
    ansible: {
      commit: commitOf(o.ansible),
      selection: o.runnable ? 'runnable in test/conformance/applicability.tsv' : o.rest,
    },
    tsible: { commit: commitOf(ROOT) },
    summary,
    targets: targets.map(({ name, status, reason, seconds }) => ({ name, status, reason, seconds })),
  };
  writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`JSON report: ${path.resolve(o.json)}\n`);
}

const o = parse(process.argv.slice(2));
if (o.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const targets = o.ansible && path.join(path.resolve(o.ansible), 'test', 'integration', 'targets');
if (!targets || !existsSync(targets)) {
  process.stderr.write(
    o.ansible
      ? `conformance: ${o.ansible} has no test/integration/targets: it must be a checkout of ansible/ansible at stable-2.14\n\n`
      : 'conformance: needs --ansible DIR, a local checkout of ansible/ansible at stable-2.14\n\n',
  );
  process.stderr.write(USAGE);
  process.exit(2);
}
const full = path.join(mkdtempSync(path.join(tmpdir(), 'tsible-conformance-')), 'full.json');
const selection = o.runnable ? runnableTargets() : o.rest;
const args = ['test', targets, ...selection, '--local-aws', '--continue-on-error', '--jobs', o.jobs];
args.push('--timeout', o.timeout, '--json', full);
const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'tsible.js'), ...args], { stdio: 'inherit' });
child.on('close', (code) => {
  if (existsSync(full)) writeReport(o, full);
  process.exit(code ?? 1);
});
