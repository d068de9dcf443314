// `tsible test TARGET_DIR...`: ansible-test integration targets, one line each and a summary; JUnit and json
// reports for CI.
import { writeFileSync } from 'node:fs';
import { OptionsError } from '../errors.js';
import { parseExtraVars } from './options.js';
import type { TargetResult, TargetOptions } from '../testing/target.js';
import { junitXml } from '../testing/junit.js';
import { scrub } from '../vault/index.js';

type Io = { out(s: string): void; err(s: string): void };

/** `tsible test`'s command line. */
interface TestCommand {
  readonly dirs: string[];
  junit?: string;
  json?: string;
  continueOnError: boolean;
  retryOnError: boolean;
  verbosity: number;
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

// A Map, so that a target named like an Object method is still a target
const OPTIONS = new Map<string, OptionSpec>([
  ['--junit', textOption((c, v) => (c.junit = v))],
  ['--json', textOption((c, v) => (c.json = v))],
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
  const c: TestCommand = { dirs: [], continueOnError: false, retryOnError: false, verbosity: 0, target: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^-v+$/.test(a)) {
      c.verbosity += a.length - 1;
      continue;
    }
    const spec = OPTIONS.get(a);
    if (!spec) {
      if (a.startsWith('-')) throw new OptionsError(`unrecognized arguments: ${a}`);
      c.dirs.push(a);
      continue;
    }
    const value = spec.arg ? argv[++i] : '';
    if (value === undefined) throw new OptionsError(`argument ${a}: expected one argument`);
    spec.set(c, value);
  }
  if (!c.dirs.length) throw new OptionsError('the following arguments are required: target');
  c.target.verbosity = c.verbosity;
  return c;
}

export async function testTargets(argv: string[], io: Io): Promise<number> {
  const c = parseTestArgs(argv);
  const { runTarget } = await import('../testing/target.js');
  const results: TargetResult[] = [];
  for (const dir of c.dirs) {
    let r = await runTarget(dir, c.target);
    if (r.status === 'failed' && c.retryOnError) {
      io.out(`${r.name}: failed, retrying\n`);
      r = await runTarget(dir, c.target);
    }
    results.push(r);
    io.out(`${r.name}: ${r.status}${r.reason ? ` (${r.reason})` : ''} [${(r.ms / 1000).toFixed(1)} s]\n`);
    if (c.verbosity > 0 && r.run) io.out(r.run.output);
    if (r.status === 'failed' && !c.continueOnError) break;
  }
  const count = (s: TargetResult['status']) => results.filter((r) => r.status === s).length;
  const notRun = c.dirs.length - results.length;
  io.out(
    `\n${count('passed')} passed, ${count('failed')} failed, ${count('skipped') + count('unsupported') + notRun} skipped\n`,
  );
  if (c.junit) writeFileSync(c.junit, junitXml(results));
  if (c.json) writeFileSync(c.json, scrub(jsonReport(results)));
  return count('failed') ? 2 : 0;
}

/** The --json report: each target's outcome and its run's json callback result. */
function jsonReport(results: TargetResult[]): string {
  const targets = results.map((r) => ({
    name: r.name,
    status: r.status,
    reason: r.reason,
    aliases: r.aliases,
    seconds: r.ms / 1000,
    result: r.run?.json,
  }));
  return JSON.stringify({ targets }, null, 2) + '\n';
}
