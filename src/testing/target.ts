// ansible-test's integration targets, run the way ansible-test runs them: a role target through the playbook
// ansible-test writes (hosts `testhost`, its variables, its environment), a script target's runme.sh through a
// shell, both with tsible's ansible-playbook first on PATH; aliases honoured, a cloud plugin's variables and
// environment provided.
import { TsibleError } from '../errors.js';
import { rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import type { RunOptions, RunResult } from '../api/index.js';
import { gatedAlias, targetInfo, targetKind, type AliasGates, type TargetInfo } from './aliases.js';
import { awsCloudEnvironment, type CloudEnvironment } from './cloud-aws.js';
import { targetLayout, type TargetLayout } from './layout.js';

export interface TargetOptions extends RunOptions, AliasGates {
  readonly resourcePrefix?: string;
  /** ansible-test's cloud-config-aws.ini (aws_access_key, aws_secret_key, security_token, aws_region). */
  readonly cloudConfig?: string;
  /** The target has this process to itself (a `tsible test` worker): its environment becomes the process's, so
   * that lookup('env') sees it, and the working directory is ansible-test's integration folder. */
  readonly ownProcess?: boolean;
}

export interface TargetResult {
  readonly name: string;
  readonly status: 'passed' | 'failed' | 'skipped' | 'unsupported';
  readonly reason?: string;
  readonly aliases: readonly string[];
  /** A role target's run. */
  readonly run?: RunResult;
  /** A script target's output (stdout and stderr). */
  readonly output?: string;
  readonly ms: number;
}

/** ansible-test's resource_prefix: ansible-test, eight random digits and the host's short name, reduced to
 * letters, digits and dashes, lowercase, at most 63 characters. */
export function makeResourcePrefix(): string {
  const raw = `ansible-test-${randomInt(10_000_000, 99_999_999)}-${hostname().split('.')[0]}`;
  return raw
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .slice(0, 63)
    .toLowerCase()
    .replace(/-+$/, '');
}

/** The cloud plugin a target's aliases ask for (ansible-test's cloud/<plugin>/), if tsible provides it. */
function cloudEnvironment(info: TargetInfo, opts: TargetOptions, layout: TargetLayout): CloudEnvironment | undefined {
  if (!info.aliases.some((a) => a === 'cloud/aws' || a.startsWith('cloud/aws/'))) return undefined;
  return awsCloudEnvironment(opts, layout.root, opts.resourcePrefix ?? makeResourcePrefix());
}

/** The play ansible-test writes for a role target (on its `testhost`, or on another host). */
function rolePlaybook(info: TargetInfo, layout: TargetLayout, cloud: CloudEnvironment | undefined, hosts = 'testhost') {
  let gatherFacts = true;
  if (info.matchable.includes('gather_facts/no/')) gatherFacts = false;
  const play = {
    hosts,
    gather_facts: gatherFacts,
    vars_files: layout.varsFile ? [path.basename(layout.varsFile)] : [],
    vars: { output_dir: layout.outputDir, ...cloud?.ansibleVars },
    ...(cloud ? { environment: cloud.envVars } : {}),
    roles: [info.name],
  };
  const file = path.join(layout.integrationDir, `${info.name}-tsible.yml`);
  writeFileSync(file, JSON.stringify([play], null, 4));
  return file;
}

/** A role target's play as `tsible test` would run it against the local endpoint, for `tsible explore`: on
 * localhost (where the explorer's copies run), written in a layout that remove() takes away. */
export function exploredTarget(dir: string): { playbook: string; remove(): void } {
  const info = targetInfo(dir);
  if (targetKind(info.dir) !== 'role')
    throw new TsibleError(`the target ${dir} has no tasks/main.yml: only role targets can be explored`);
  const layout = targetLayout(info.dir, info.name);
  const playbook = rolePlaybook(info, layout, cloudEnvironment(info, { localAws: true }, layout), 'localhost');
  return { playbook, remove: () => rmSync(layout.root, { recursive: true, force: true }) };
}

/** The environment ansible-test gives a target's commands. */
function targetEnv(opts: TargetOptions, layout: TargetLayout, cloud: CloudEnvironment | undefined) {
  return {
    ...(opts.env ?? process.env),
    ANSIBLE_TEST_CI: 'local',
    OUTPUT_DIR: layout.outputDir,
    INVENTORY_PATH: layout.inventory,
    ANSIBLE_PLAYBOOK_DIR: layout.integrationDir,
    ...cloud?.envVars,
  };
}

async function runRole(info: TargetInfo, opts: TargetOptions, layout: TargetLayout): Promise<Outcome> {
  const cloud = cloudEnvironment(info, opts, layout);
  const playbook = rolePlaybook(info, layout, cloud);
  const { runPlaybook } = await import('../api/index.js');
  const { writeShims } = await import('./runme.js');
  const base: Record<string, string | undefined> = targetEnv(opts, layout, cloud);
  // a task that runs ansible-playbook or ansible-vault runs tsible's, as a script target's runme.sh does
  const env = { ...base, PATH: `${writeShims(layout.root)}${path.delimiter}${base.PATH ?? ''}` };
  if (opts.ownProcess) {
    Object.assign(process.env, env, { ANSIBLE_ROLES_PATH: layout.targetsDir });
    process.chdir(layout.integrationDir);
  }
  let run: RunResult;
  try {
    run = await runPlaybook(playbook, {
      ...opts,
      env,
      inventory: [layout.inventory, ...(opts.inventory ?? [])],
    });
  } catch (e) {
    // the run ended with an error (a file that does not load: ansible-playbook's "ERROR! ...", exit code 4)
    if (!(e instanceof TsibleError)) throw e;
    return { status: 'failed', reason: `ERROR! ${e.message.split('\n')[0]}` };
  }
  if (run.ok) return { status: 'passed', run };
  // the last failure is the one that stopped the run (an earlier one may have been rescued)
  const failure = [...run.tasks].reverse().find((t) => t.status === 'failed' || t.status === 'unreachable');
  const why = failure
    ? `${failure.task}: ${String(failure.result.msg ?? failure.result.reason ?? 'failed')}`
    : `exit code ${run.rc}`;
  return { status: 'failed', reason: why.split('\n')[0], run };
}

/** A script target: ansible-test's arguments are -v... and, with a cloud plugin, `-e @` its config file. */
async function runRunme(info: TargetInfo, opts: TargetOptions, layout: TargetLayout): Promise<Outcome> {
  const cloud = cloudEnvironment(info, opts, layout);
  const args: string[] = opts.verbosity ? [`-${'v'.repeat(opts.verbosity)}`] : [];
  if (cloud) {
    const config = path.join(layout.integrationDir, 'config-file-tsible.json');
    const vars = { ...cloud.ansibleVars, ansible_test: { environment: cloud.envVars, module_defaults: null } };
    writeFileSync(config, JSON.stringify(vars, null, 4));
    args.push('-e', `@${config}`);
  }
  const env: Record<string, string | undefined> = targetEnv(opts, layout, cloud);
  let endpoint: { url: string; close(): Promise<void> } | undefined;
  if (opts.localAws && !opts.awsEndpoint) endpoint = await (await import('../endpoint/server.js')).startEndpoint();
  const url = opts.awsEndpoint ?? endpoint?.url;
  // the script's own tsible runs share one endpoint, as they would share one AWS account
  if (url) Object.assign(env, { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: 'tsible-local' });
  if (url) Object.assign(env, { AWS_SECRET_ACCESS_KEY: 'tsible-local' });
  const { runScript, scriptFailure } = await import('./runme.js');
  try {
    const run = await runScript(layout, env, args, opts.signal);
    if (run.rc === 0) return { status: 'passed', output: run.output };
    return { status: 'failed', reason: scriptFailure(run), output: run.output };
  } finally {
    await endpoint?.close();
  }
}

type Outcome = Pick<TargetResult, 'status' | 'reason' | 'run' | 'output'>;

/** Whether and how the target runs: the alias gates, then its kind. */
export function precheck(info: TargetInfo, opts: TargetOptions): Outcome | undefined {
  const gated = gatedAlias(info, opts);
  if (gated) return { status: 'skipped', reason: `${gated} (pass --allow-${gated} to run it)` };
  if (!targetKind(info.dir)) return { status: 'unsupported', reason: 'neither tasks/main.yml nor runme.sh' };
  return undefined;
}

export async function runTarget(dir: string, opts: TargetOptions = {}): Promise<TargetResult> {
  const started = Date.now();
  const info = targetInfo(dir);
  const done = (o: Outcome): TargetResult => ({
    name: info.name,
    aliases: info.aliases,
    ...o,
    ms: Date.now() - started,
  });
  const early = precheck(info, opts);
  if (early) return done(early);
  const layout = targetLayout(info.dir, info.name);
  try {
    return done(await (targetKind(info.dir) === 'script' ? runRunme : runRole)(info, opts, layout));
  } finally {
    rmSync(layout.root, { recursive: true, force: true });
  }
}
