// `tsible race PLAYBOOK|TARGET --processes N`: one local AWS endpoint and N real tsible processes running the
// same playbook (or `tsible test` on the same integration target), each with its own resource_prefix and access
// key, their output interleaved line by line. The endpoint watches the aws_ses_rule_set lock: the race fails when
// a process changed the active rule set while another held the lock.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { OptionsError } from '../errors.js';
import { startEndpoint } from '../endpoint/server.js';
import { takesValue } from './options.js';
import { tsibleBin } from '../testing/runme.js';
import { lockBreaches, watchSesLock } from '../endpoint/ses-lock.js';

type Io = { out(s: string): void; err(s: string): void };
type Endpoint = Awaited<ReturnType<typeof startEndpoint>>;

interface RaceCommand {
  playbook: string;
  processes: number;
  throttle: number;
  /** Options given to every process. */
  passthrough: string[];
}

/** What the racing processes share: where they print, the endpoint, and the lock's holders as they announce it. */
interface Race {
  readonly io: Io;
  readonly endpoint: Endpoint;
  readonly command: RaceCommand;
  readonly bin: string;
  readonly started: number;
  readonly holders: Array<{ name: string; at: number }>;
}

function parseRaceArgs(argv: string[]): RaceCommand {
  let processes = 3,
    throttle = 0;
  const passthrough: string[] = [];
  let playbook: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--processes' || a === '-n') processes = Number(argv[++i]);
    else if (a === '--throttle-rate') throttle = Number(argv[++i]);
    else if (takesValue(a)) passthrough.push(a, argv[++i]!);
    else if (a.startsWith('-')) passthrough.push(a);
    else playbook = a;
  }
  if (!playbook) throw new OptionsError('the following arguments are required: playbook');
  if (!Number.isInteger(processes) || processes < 1 || processes > 50)
    throw new OptionsError('--processes must be between 1 and 50');
  return { playbook, processes, throttle, passthrough };
}

export async function race(argv: string[], io: Io): Promise<number> {
  const command = parseRaceArgs(argv);
  const endpoint = await startEndpoint({ faults: { throttleRate: command.throttle } });
  watchSesLock(endpoint);
  const r: Race = { io, endpoint, command, bin: tsibleBin(), started: Date.now(), holders: [] };
  io.out(`local AWS endpoint: ${endpoint.url}; ${command.processes} processes racing for the lock\n`);
  const codes = await Promise.all(Array.from({ length: command.processes }, (_x, i) => runRacer(r, `p${i + 1}`)));
  await endpoint.close();
  printSummary(r, codes);
  const breaches = printBreaches(r);
  return codes.every((c) => c === 0) && !breaches ? 0 : 2;
}

/** Each process's access key: the endpoint tells the processes apart by it. */
const ACCESS_KEY_PREFIX = 'tsible-local-';

/** The command line of one racer: the playbook with its resource_prefix, or `tsible test` on the target. */
function racerArgs(r: Race, name: string): string[] {
  const { playbook, passthrough } = r.command;
  return existsSync(playbook) && statSync(playbook).isDirectory()
    ? [r.bin, 'test', playbook, '--resource-prefix', name, ...passthrough]
    : [r.bin, playbook, '-e', `resource_prefix=${name}`, ...passthrough];
}

/** One tsible process of the race, its output relayed line by line under its name; resolves to its exit code. */
function runRacer(r: Race, name: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn(process.execPath, racerArgs(r, name), {
      env: {
        ...process.env,
        AWS_URL: r.endpoint.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: `${ACCESS_KEY_PREFIX}${name}`,
        AWS_SECRET_ACCESS_KEY: 'tsible-local',
        ANSIBLE_NOCOLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const relay = (write: (s: string) => void) => {
      let rest = '';
      return (b: Buffer) => {
        rest += b.toString('utf8');
        const lines = rest.split('\n');
        rest = lines.pop()!;
        for (const l of lines) {
          if (!l.trim()) continue;
          if (l.includes('holds the lock')) r.holders.push({ name, at: Date.now() - r.started });
          write(`[${name}] ${l}\n`);
        }
      };
    };
    child.stdout.on(
      'data',
      relay((s) => r.io.out(s)),
    );
    child.stderr.on(
      'data',
      relay((s) => r.io.err(s)),
    );
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Who held the lock, the exit codes, and the endpoint's calls by operation. */
function printSummary({ io, endpoint, holders, started }: Race, codes: number[]): void {
  const left = endpoint.service.model.size;
  const byOp = new Map<string, number>();
  for (const c of endpoint.calls) byOp.set(c.operation, (byOp.get(c.operation) ?? 0) + 1);
  const creates = byOp.get('CreateLogGroup') ?? 0;
  // a playbook announces it; on the target, the processes' turns at the active rule set show it
  const [label, turns] = holders.length
    ? ['who held the lock', holders]
    : ['who changed the active rule set', activationTurns(endpoint, started)];
  io.out(
    `\n${label}, in order: ${turns.map((h) => `${h.name} at ${(h.at / 1000).toFixed(1)} s`).join(', ') || 'nobody'}\n`,
  );
  io.out(
    `exit codes: ${codes.join(' ')}; log groups left on the endpoint: ${left}; race took ${Date.now() - started} ms\n`,
  );
  io.out(
    `api calls: ${endpoint.calls.length} in all, ${[...byOp].map(([k, v]) => `${k} ${v}`).join(', ')}; ${creates} lock attempts, ${(endpoint.calls.length / Math.max(1, creates)).toFixed(1)} calls per attempt\n`,
  );
}

/** Each run of consecutive changes of the active rule set by one process: its name and when it began. */
function activationTurns(endpoint: Endpoint, started: number): Array<{ name: string; at: number }> {
  const turns: Array<{ name: string; at: number }> = [];
  let last: string | undefined;
  for (const a of endpoint.services.ses.model.activations) {
    if (a.by !== last) turns.push({ name: a.by.replace(ACCESS_KEY_PREFIX, ''), at: a.at - started });
    last = a.by;
  }
  return turns;
}

/** Every change of the active rule set made while another process held the lock; whether there was one. */
function printBreaches({ io, endpoint, started }: Race): boolean {
  const changes = endpoint.services.ses.model.activations;
  const breaches = lockBreaches(endpoint);
  if (!breaches.length) {
    if (changes.length) io.out(`active rule set changes: ${changes.length}, each by the lock's holder\n`);
    return false;
  }
  io.out(`\nLOCK BROKEN: the active rule set changed while another process held the lock (${breaches.length} times)\n`);
  for (const b of breaches)
    io.out(
      `  ${b.by.replace(ACCESS_KEY_PREFIX, '')} set the active rule set to ${b.ruleSet ?? '(none)'} at ${((b.at - started) / 1000).toFixed(1)} s while ${b.lockHolder!.replace(ACCESS_KEY_PREFIX, '')} held the lock\n`,
    );
  return true;
}
