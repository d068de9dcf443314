// `tsible test [TARGET_DIR | TARGETS_DIR | PATTERN]...`: ansible-test integration targets, selected by folder or by
// alias as ansible-test selects them, each run in a process of its own (--jobs at once, --timeout each), dealt to
// CI machines with --split; one line per target and a summary, and one JUnit and json report for the lot.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OptionsError } from '../errors.js';
import { parseExtraVars } from './options.js';
import type { TargetResult, TargetOptions } from '../testing/target.js';
import { junitXml } from '../testing/junit.js';
import { scrub } from '../vault/index.js';
import { isTargetDir, listTargets, selectTargets, splitTargets, type TargetInfo } from '../testing/aliases.js';

type Io = { out(s: string): void; err(s: string): void };

const TEST_HELP = `usage: tsible test [-h] [TARGET_DIR | TARGETS_DIR | PATTERN ...] [--jobs N] [--timeout SECONDS] [--split K/N]
                   [--continue-on-error] [--retry-on-error] [-v] [--junit FILE] [--json FILE]
                   [--local-aws | --cloud-config FILE | --aws-profile NAME] [--resource-prefix PREFIX]
                   [--allow-disabled] [--allow-unsupported] [--allow-unstable] [--allow-destructive] [-e EXTRA_VARS]

Runs ansible-test integration targets (role targets and runme.sh scripts) with tsible, as ansible-test runs them.

positional arguments:
  TARGET_DIR            a target's folder (it has tasks/main.yml, runme.sh or aliases)
  TARGETS_DIR           a folder of targets, such as tests/integration/targets: every target in it that is not hidden
  PATTERN               select targets of the folders of targets by alias, as ansible-test does (a regular
                        expression matched against whole aliases: a name, shippable/aws/group2/, cloud/aws/);
                        without a folder, tests/integration/targets or test/integration/targets of the current one

options:
  -h, --help            show this help message and exit
  -j, --jobs N          run N targets at once, each in its own process and temporary folder (default 1)
  --timeout SECONDS     each target's time limit: a target still running is killed and counted failed ('timeout')
  --split K/N           run only the K-th of N equal shares of the selected targets (dealt by name), for N CI machines
  --continue-on-error   run the remaining targets after one fails
  --retry-on-error      run a failed target once more
  -v, --verbose         print each target's output
  --junit FILE          write a JUnit XML report of every target
  --json FILE           write a json report of every target
  --local-aws           send AWS calls to a local endpoint (one per target), with ansible-test's aws variables
  --cloud-config, --cloud-config-aws FILE
                        ansible-test's cloud-config-aws.ini for cloud/aws targets
  --aws-profile NAME    the AWS profile for cloud/aws targets
  --resource-prefix PREFIX
                        resource_prefix for cloud targets (default: ansible-test's, different for each target)
  --allow-disabled, --allow-unsupported, --allow-unstable, --allow-destructive
                        run targets with that alias too (or prefix a pattern with it: disabled/NAME)
  -e, --extra-vars      set additional variables for role targets, as ansible-playbook -e
`;

/** `tsible test`'s command line. */
interface TestCommand {
  readonly args: string[];
  junit?: string;
  json?: string;
  continueOnError: boolean;
  retryOnError: boolean;
  verbosity: number;
  jobs: number;
  timeout?: number;
  split?: { k: number; n: number };
  worker?: string;
  help?: boolean;
  readonly target: { -readonly [K in keyof TargetOptions]: TargetOptions[K] };
}

/** An option: a switch, or one that takes the next argument as its value (`arg`). */
interface OptionSpec {
  readonly arg: boolean;
  set(c: TestCommand, value: string): void;
}

const textOption = (set: (c: TestCommand, value: string) => void): OptionSpec => ({ arg: true, set });
const switchOption = (set: (c: TestCommand) => void): OptionSpec => ({ arg: false, set });

const cloudConfig = textOption((c, v) => (c.target.cloudConfig = v));
const extraVars = textOption((c, v) => (c.target.extraVars = { ...c.target.extraVars, ...parseExtraVars(v) }));
const help = switchOption((c) => (c.help = true));

function positive(option: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new OptionsError(`argument ${option}: invalid positive integer: '${v}'`);
  return n;
}

function parseSplit(v: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const k = Number(m?.[1]),
    n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n) throw new OptionsError(`argument --split: expected K/N with 1 <= K <= N: '${v}'`);
  return { k, n };
}

const jobs = textOption((c, v) => (c.jobs = positive('--jobs', v)));

// A Map, so that a target named like an Object method is still a target
const OPTIONS = new Map<string, OptionSpec>([
  ['-h', help],
  ['--help', help],
  ['--junit', textOption((c, v) => (c.junit = v))],
  ['--json', textOption((c, v) => (c.json = v))],
  ['-j', jobs],
  ['--jobs', jobs],
  ['--timeout', textOption((c, v) => (c.timeout = positive('--timeout', v)))],
  ['--split', textOption((c, v) => (c.split = parseSplit(v)))],
  ['--worker', textOption((c, v) => (c.worker = v))],
  ['--continue-on-error', switchOption((c) => (c.continueOnError = true))],
  ['--retry-on-error', switchOption((c) => (c.retryOnError = true))],
  ['--local-aws', switchOption((c) => (c.target.localAws = true))],
  ['--cloud-config', cloudConfig],
  ['--cloud-config-aws', cloudConfig],
  ['--aws-profile', textOption((c, v) => (c.target.env = { ...process.env, AWS_PROFILE: v }))],
  ['--resource-prefix', textOption((c, v) => (c.target.resourcePrefix = v))],
  ['--allow-disabled', switchOption((c) => (c.target.allowDisabled = true))],
  ['--allow-unsupported', switchOption((c) => (c.target.allowUnsupported = true))],
  ['--allow-unstable', switchOption((c) => (c.target.allowUnstable = true))],
  ['--allow-destructive', switchOption((c) => (c.target.allowDestructive = true))],
  ['-e', extraVars],
  ['--extra-vars', extraVars],
]);

function parseTestArgs(argv: string[]): TestCommand {
  const c: TestCommand = { args: [], continueOnError: false, retryOnError: false, verbosity: 0, jobs: 1, target: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^-v+$/.test(a)) {
      c.verbosity += a.length - 1;
      continue;
    }
    const spec = OPTIONS.get(a);
    if (!spec) {
      if (a.startsWith('-')) throw new OptionsError(`unrecognized arguments: ${a}`);
      c.args.push(a);
      continue;
    }
    const value = spec.arg ? argv[++i] : '';
    if (value === undefined) throw new OptionsError(`argument ${a}: expected one argument`);
    spec.set(c, value);
  }
  if (!c.args.length && !c.help && !c.worker && !defaultTargetsDir())
    throw new OptionsError('the following arguments are required: target');
  c.target.verbosity = c.verbosity;
  return c;
}

/** The folder of targets ansible-test would use from the current folder (a collection's or ansible's). */
function defaultTargetsDir(): string | undefined {
  return ['tests/integration/targets', 'test/integration/targets'].find((d) => existsSync(d));
}

/** The targets the arguments name: target folders as given, then the folders of targets filtered by the patterns
 * (ansible-test's "Target pattern not matched" when one selects nothing), then this machine's share. */
function resolveTargets(c: TestCommand): string[] {
  const explicit: string[] = [],
    folders: string[] = [],
    patterns: string[] = [];
  for (const a of c.args) {
    const isDir = existsSync(a) && statSync(a).isDirectory();
    if (isDir) (isTargetDir(a) ? explicit : folders).push(a);
    else patterns.push(a);
  }
  if (patterns.length && !folders.length) {
    const found = defaultTargetsDir();
    if (!found) throw new OptionsError(`no folder of targets to match ${patterns.join(', ')} against`);
    folders.push(found);
  }
  if (!c.args.length) folders.push(defaultTargetsDir()!);
  const all: TargetInfo[] = folders.flatMap((f) => listTargets(f));
  const { selected, unmatched } = selectTargets(all, patterns);
  if (unmatched.length) throw new OptionsError(`Target pattern not matched: ${unmatched.join(', ')}`);
  c.target.patterns = patterns;
  const dirs = [...explicit.map((d) => path.resolve(d)), ...(folders.length ? selected.map((t) => t.dir) : [])];
  if (!c.split) return dirs;
  const named = dirs.map((dir) => ({ name: path.basename(dir), dir }));
  return splitTargets(named, c.split.k, c.split.n).map((t) => t.dir);
}

export async function testTargets(argv: string[], io: Io): Promise<number> {
  const c = parseTestArgs(argv);
  if (c.help) {
    io.out(TEST_HELP);
    return 0;
  }
  if (c.worker) return (await import('../testing/pool.js')).runWorker(c.worker);
  const dirs = resolveTargets(c);
  const { runTargetsIsolated } = await import('../testing/pool.js');
  const results = await runTargetsIsolated(dirs, c.target, {
    jobs: c.jobs,
    timeout: c.timeout,
    stopOnFailure: !c.continueOnError,
    retryOnError: c.retryOnError,
    onResult: (r, retrying) => {
      if (retrying) return io.out(`${r.name}: failed, retrying\n`);
      io.out(`${r.name}: ${r.status}${r.reason ? ` (${r.reason})` : ''} [${(r.ms / 1000).toFixed(1)} s]\n`);
      if (c.verbosity > 0) io.out(r.run?.output ?? r.output ?? '');
    },
  });
  const count = (s: TargetResult['status']) => results.filter((r) => r.status === s).length;
  const notRun = dirs.length - results.length;
  io.out(
    `\n${count('passed')} passed, ${count('failed')} failed, ${count('skipped') + count('unsupported') + notRun} skipped\n`,
  );
  if (c.junit) writeFileSync(c.junit, junitXml(results));
  if (c.json) writeFileSync(c.json, scrub(jsonReport(results)));
  return count('failed') ? 2 : 0;
}

/** The --json report: each target's outcome and its run's json callback result. */
function jsonReport(results: TargetResult[]): string {
  const count = (s: TargetResult['status']) => results.filter((r) => r.status === s).length;
  const targets = results.map((r) => ({
    name: r.name,
    status: r.status,
    reason: r.reason,
    aliases: r.aliases,
    seconds: r.ms / 1000,
    result: r.run?.json,
    // the end of a failed script's output, to see why
    output: r.status === 'failed' && r.output ? r.output.slice(-4000) : undefined,
  }));
  const summary = {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    unsupported: count('unsupported'),
  };
  return JSON.stringify({ summary, targets }, null, 2) + '\n';
}
