// `npm run conformance -- --ansible DIR [TARGET...]`: ansible-core's own integration targets (a local checkout of
// ansible/ansible at stable-2.14, never committed) run through `tsible test`, each in its own process within a time
// limit; one line per target, a summary, and a JSON report.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: npm run conformance -- --ansible DIR [--jobs N] [--timeout SECONDS] [--json FILE] [TARGET | PATTERN ...]

Runs the integration targets of ansible-core (DIR/test/integration/targets) through tsible test.

  --ansible DIR      a local checkout of ansible/ansible at stable-2.14 (never committed), for example:
                       git clone --depth 1 --branch stable-2.14 https://github.com/ansible/ansible.git DIR
  --jobs N           targets at once (default 2)
  --timeout SECONDS  each target's time limit; a target still running is killed and counted failed (default 300)
  --json FILE        the JSON report (default conformance-report.json)
  TARGET, PATTERN    target names or alias patterns (default: every target that is not hidden)
`;

function parse(argv) {
  const o = { ansible: undefined, jobs: '2', timeout: '300', json: 'conformance-report.json', rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') o.help = true;
    else if (['--ansible', '--jobs', '--timeout', '--json'].includes(a)) o[a.slice(2)] = argv[++i];
    else o.rest.push(a);
  }
  return o;
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
const args = [
  'test',
  targets,
  ...o.rest,
  '--local-aws',
  '--continue-on-error',
  '--jobs',
  o.jobs,
  '--timeout',
  o.timeout,
];
const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'tsible.js'), ...args, '--json', o.json], {
  stdio: 'inherit',
});
child.on('close', (code) => {
  process.stdout.write(`JSON report: ${path.resolve(o.json)}\n`);
  process.exit(code ?? 1);
});
