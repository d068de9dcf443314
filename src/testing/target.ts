// ansible-test's integration targets, run the way ansible-test runs them: a role-style target through an
// implicit playbook on `testhost` (localhost), its aliases honoured, ansible-test's variables provided.
import { TsibleError } from '../errors.js';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import type { RunOptions, RunResult } from '../api/index.js';

export interface TargetOptions extends RunOptions {
  readonly resourcePrefix?: string;
  /** ansible-test's cloud-config-aws.ini (aws_access_key, aws_secret_key, security_token, aws_region). */
  readonly cloudConfig?: string;
  readonly allowDisabled?: boolean;
  readonly allowUnsupported?: boolean;
  readonly allowUnstable?: boolean;
  readonly allowDestructive?: boolean;
}

export interface TargetResult {
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped' | 'unsupported';
  readonly reason?: string;
  readonly aliases: readonly string[];
  readonly run?: RunResult;
  readonly ms: number;
}

function readAliases(dir: string): string[] {
  const file = path.join(dir, 'aliases');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** ansible-test's resource_prefix: ansible-test, eight random digits, and the host's short name. */
const makeResourcePrefix = () => `ansible-test-${randomInt(10_000_000, 99_999_999)}-tsible`;

function iniSection(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_]\w*)\s*[:=]\s*(.*?)\s*$/.exec(line);
    if (m && !line.trim().startsWith('#') && !line.trim().startsWith(';')) out[m[1]!] = m[2]!;
  }
  return out;
}

/** The credentials ansible-test gives a cloud/aws target. */
function awsVars(opts: TargetOptions): Record<string, unknown> {
  if (opts.localAws || opts.awsEndpoint)
    return {
      aws_access_key: 'tsible-local',
      aws_secret_key: 'tsible-local',
      security_token: '',
      aws_region: 'us-east-1',
    };
  if (opts.cloudConfig) {
    const ini = iniSection(readFileSync(opts.cloudConfig, 'utf8'));
    return {
      aws_access_key: ini.aws_access_key ?? '',
      aws_secret_key: ini.aws_secret_key ?? '',
      security_token: ini.security_token ?? '',
      aws_region: ini.aws_region ?? 'us-east-1',
    };
  }
  const env = opts.env ?? process.env;
  return {
    aws_access_key: env.AWS_ACCESS_KEY_ID ?? '',
    aws_secret_key: env.AWS_SECRET_ACCESS_KEY ?? '',
    security_token: env.AWS_SESSION_TOKEN ?? '',
    aws_region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
  };
}

/** Playbooks a runme.sh runs, when running ansible-playbook on files of the target is all it does. */
function runmePlaybooks(dir: string): { playbooks: string[] } | { reason: string } {
  const lines = readFileSync(path.join(dir, 'runme.sh'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const playbooks: string[] = [];
  for (const line of lines) {
    if (/^set\s+-[euxo]+(\s+pipefail)?$/.test(line)) continue;
    const m = /^ansible-playbook\s+((?:[\w./-]+\.ya?ml\s*)+)(?:\s+-i\s+\S+)?(?:\s+"\$@")?$/.exec(line);
    if (!m) return { reason: `runme.sh runs more than ansible-playbook on the target's playbooks: ${line}` };
    playbooks.push(
      ...m[1]!
        .trim()
        .split(/\s+/)
        .map((p) => path.join(dir, p)),
    );
  }
  return playbooks.length ? { playbooks } : { reason: 'runme.sh runs no playbook' };
}

/** The first alias that keeps the target from running without its --allow- option. */
function gatedAlias(aliases: readonly string[], opts: TargetOptions): string | undefined {
  const gate: Array<[string, boolean | undefined]> = [
    ['disabled', opts.allowDisabled],
    ['unsupported', opts.allowUnsupported],
    ['unstable', opts.allowUnstable],
    ['destructive', opts.allowDestructive],
  ];
  return gate.find(([alias, allowed]) => aliases.includes(alias) && !allowed)?.[0];
}

/** The playbooks that run the target: runme.sh's, or one that plays the target as a role (written to `work`). */
function targetPlaybooks(dir: string, work: string, name: string): { playbooks: string[] } | { reason: string } {
  if (existsSync(path.join(dir, 'runme.sh'))) return runmePlaybooks(dir);
  if (['main.yml', 'main.yaml'].some((f) => existsSync(path.join(dir, 'tasks', f)))) {
    const playbook = path.join(work, 'target.yml');
    writeFileSync(playbook, JSON.stringify([{ hosts: 'testhost', gather_facts: true, roles: [name] }]));
    return { playbooks: [playbook] };
  }
  return { reason: 'neither tasks/main.yml nor runme.sh' };
}

export async function runTarget(dir: string, opts: TargetOptions = {}): Promise<TargetResult> {
  const started = Date.now();
  const name = path.basename(path.resolve(dir));
  const aliases = readAliases(dir);
  const done = (status: TargetResult['status'], reason?: string, run?: RunResult): TargetResult => ({
    name,
    status,
    reason,
    aliases,
    run,
    ms: Date.now() - started,
  });
  const gated = gatedAlias(aliases, opts);
  if (gated) return done('skipped', `${gated} (pass --allow-${gated} to run it)`);
  const { runPlaybook } = await import('../api/index.js');
  const work = mkdtempSync(path.join(tmpdir(), `tsible-target-${name}-`));
  const extraVars: Record<string, unknown> = {
    resource_prefix: opts.resourcePrefix ?? makeResourcePrefix(),
    output_dir: work,
    ...(aliases.some((a) => a.startsWith('cloud/aws')) ? awsVars(opts) : {}),
    ...opts.extraVars,
  };
  // every target of the same folder is a role ansible-test can find (needs/target/X)
  symlinkSync(path.dirname(path.resolve(dir)), path.join(work, 'roles'));
  const inventory = path.join(work, 'inventory');
  writeFileSync(inventory, 'testhost ansible_connection=local\n');
  const found = targetPlaybooks(dir, work, name);
  if ('reason' in found) return done('unsupported', found.reason);
  const { playbooks } = found;
  let last: RunResult | undefined;
  for (const pb of playbooks) {
    try {
      last = await runPlaybook(pb, { ...opts, extraVars, inventory: [inventory, ...(opts.inventory ?? [])] });
    } catch (e) {
      // the run ended with an error (a file that does not load: ansible-playbook's "ERROR! ...", exit code 4)
      if (!(e instanceof TsibleError)) throw e;
      return done('failed', `ERROR! ${e.message.split('\n')[0]}`);
    }
    if (!last.ok) {
      const failure = last.tasks.find((t) => t.status === 'failed' || t.status === 'unreachable');
      const why = failure
        ? `${failure.task}: ${String(failure.result.msg ?? failure.result.reason ?? 'failed')}`
        : `exit code ${last.rc}`;
      return done('failed', why.split('\n')[0], last);
    }
  }
  return done('passed', undefined, last);
}
