// `tsible race PLAYBOOK --processes N`: one local CloudWatch Logs endpoint and N real tsible processes
// running the same playbook, each with its own resource_prefix, their output interleaved line by line.
import { spawn } from 'node:child_process';
import { OptionsError } from '../errors.js';
import { startEndpoint } from '../endpoint/server.js';
import { takesValue } from './options.js';
import { tsibleBin } from '../testing/runme.js';

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
  const r: Race = { io, endpoint, command, bin: tsibleBin(), started: Date.now(), holders: [] };
  io.out(`local CloudWatch Logs endpoint: ${endpoint.url}; ${command.processes} processes racing for the lock\n`);
  const codes = await Promise.all(Array.from({ length: command.processes }, (_x, i) => runRacer(r, `p${i + 1}`)));
  await endpoint.close();
  printSummary(r, codes);
  return codes.every((c) => c === 0) ? 0 : 2;
}

/** One tsible process of the race, its output relayed line by line under its name; resolves to its exit code. */
function runRacer(r: Race, name: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [r.bin, r.command.playbook, '-e', `resource_prefix=${name}`, ...r.command.passthrough],
      {
        env: {
          ...process.env,
          AWS_URL: r.endpoint.url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'tsible-local',
          AWS_SECRET_ACCESS_KEY: 'tsible-local',
          ANSIBLE_NOCOLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
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
  io.out(
    `\nwho held the lock, in order: ${holders.map((h) => `${h.name} at ${(h.at / 1000).toFixed(1)} s`).join(', ') || 'nobody'}\n`,
  );
  io.out(
    `exit codes: ${codes.join(' ')}; log groups left on the endpoint: ${left}; race took ${Date.now() - started} ms\n`,
  );
  io.out(
    `api calls: ${endpoint.calls.length} in all, ${[...byOp].map(([k, v]) => `${k} ${v}`).join(', ')}; ${creates} lock attempts, ${(endpoint.calls.length / Math.max(1, creates)).toFixed(1)} calls per attempt\n`,
  );
}
