// `node scripts/yaml-compare.mjs [--ansible DIR] [--yaml-test-suite DIR] [--json FILE]`: every YAML file of
// ansible-core's integration targets and every in.yaml of the YAML test suite, loaded by Ansible's own loader
// (scripts/yaml-pyyaml.py: libyaml with Ansible's constructors) and by tsible's (dist/src/yaml/loader.js, so run
// `npm run build` first); the values, or the refusals with their problem and place, compared file by file. Prints a
// summary per corpus and writes a JSON report. Neither checkout is committed; the suite's files are those of its
// `data` branch (generated from its src/*.yaml), read with git without touching the checkout.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encoder, loadWithTsible, verdict } from './yaml-encode.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parse(argv) {
  const o = {
    ansible: '/work/upstream/ansible',
    'yaml-test-suite': '/work/upstream/yaml-test-suite',
    json: 'yaml-compare-report.json',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i].replace(/^--/, '');
    if (a in o) o[a] = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return o;
}

/** The Python that runs ansible-playbook (its shebang), which can import Ansible's loader. */
export function ansiblePython() {
  try {
    const script = execFileSync('sh', ['-c', 'command -v ansible-playbook'], { encoding: 'utf8' }).trim();
    const shebang = readFileSync(script, 'utf8')
      .split('\n')[0]
      .replace(/^#!\s*/, '');
    const python = shebang.split(/\s+/).find((w) => /python/.test(w)) ?? 'python3';
    const ok = spawnSync(python, ['-c', 'import ansible.parsing.yaml.loader'], { encoding: 'utf8' });
    return ok.status === 0 ? python : undefined;
  } catch {
    return undefined;
  }
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    // a linked directory is not followed (the suite links its tags to its cases: each case once), a linked file is
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) walk(p, out);
    else if ((st?.isFile() || statSync(p, { throwIfNoEntry: false })?.isFile()) && /\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** The suite's test cases: its data branch exported to a temporary directory, one in.yaml per case. */
function suiteFiles(checkout) {
  const ref = ['data', 'origin/data'].find(
    (r) => spawnSync('git', ['-C', checkout, 'rev-parse', '--verify', '-q', r]).status === 0,
  );
  if (!ref) throw new Error(`${checkout} has no data branch`);
  const dir = mkdtempSync(path.join(tmpdir(), 'yaml-test-suite-'));
  execFileSync('sh', ['-c', `git -C "${checkout}" archive "${ref}" | tar -x -C "${dir}"`]);
  return { dir, files: walk(dir).filter((f) => path.basename(f) === 'in.yaml') };
}

/** Ansible's answer for each file, from the Python helper. */
function pyyamlLoad(python, files) {
  const run = spawnSync(python, [path.join(ROOT, 'scripts/yaml-pyyaml.py')], {
    input: files.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`yaml-pyyaml.py failed: ${run.stderr}`);
  return new Map(
    run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((r) => [r.file, r]),
  );
}

function compare(name, files, lib, python) {
  const encode = encoder(lib);
  const answers = pyyamlLoad(python, files);
  const results = files.map((file) => {
    const py = answers.get(file);
    const ts = loadWithTsible(lib, encode, readFileSync(file, 'utf8'), file);
    return { file, verdict: verdict(py, ts), ansible: py, tsible: ts };
  });
  const counts = {};
  for (const r of results) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
  console.log(`${name}: ${files.length} files, ${counts.identical ?? 0} identical`);
  for (const [k, n] of Object.entries(counts).sort((a, b) => b[1] - a[1]))
    if (k !== 'identical') console.log(`  ${n} ${k}`);
  return { files: files.length, counts, differing: results.filter((r) => r.verdict !== 'identical') };
}

/** Runs the comparison on the checkouts that exist; the report, or undefined (with the reason) when it cannot run. */
export async function main(argv) {
  const o = parse(argv);
  const python = ansiblePython();
  if (!python) return { skipped: 'no Python that can import ansible (ansible-playbook not installed)' };
  const dist = (p) => pathToFileURL(path.join(ROOT, 'dist', p)).href;
  if (!existsSync(path.join(ROOT, 'dist/src/yaml/loader.js'))) return { skipped: 'dist/ missing: npm run build' };
  const lib = {
    ...(await import(dist('src/yaml/loader.js'))),
    ...(await import(dist('src/python/python.js'))),
    ...(await import(dist('src/vault/index.js'))),
  };
  const report = {};
  const targets = path.join(o.ansible, 'test/integration/targets');
  if (existsSync(targets)) {
    const files = walk(targets).filter((f) => !readFileSync(f, 'utf8').startsWith('$ANSIBLE_VAULT'));
    report.ansibleTargets = compare('ansible-core integration targets', files, lib, python);
  } else console.log(`skipped ansible-core's targets: ${targets} not found`);
  if (existsSync(path.join(o['yaml-test-suite'], '.git'))) {
    const suite = suiteFiles(o['yaml-test-suite']);
    report.yamlTestSuite = compare('yaml-test-suite', suite.files, lib, python);
    for (const r of report.yamlTestSuite.differing) r.file = path.relative(suite.dir, r.file);
    rmSync(suite.dir, { recursive: true, force: true });
  } else console.log(`skipped the YAML test suite: ${o['yaml-test-suite']} is no git checkout`);
  writeFileSync(o.json, JSON.stringify(report, null, 1) + '\n');
  console.log(`report: ${o.json}`);
  return report;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = await main(process.argv.slice(2));
  if (report.skipped) console.log(`skipped: ${report.skipped}`);
}
