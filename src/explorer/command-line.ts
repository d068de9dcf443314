// `tsible explore`'s command line: one table of options (the faults' flags come from the fault registry) and the
// help, whose list of faults comes from the registry too.
import { OptionsError } from '../errors.js';
import { parseExtraVars } from '../vars/extra-vars.js';
import { FAULTS, type FaultFlag, type FaultSettings } from './faults.js';
import { NAMED_INVARIANTS } from './invariants.js';

export interface ExploreCommand {
  file?: string;
  processes: number;
  schedules: number;
  seed: number;
  seconds: number;
  extraVars: Record<string, unknown>;
  invariants: string[];
  liveness: boolean;
  strictAmazonAws: boolean;
  strategy: 'random' | 'pct' | 'exhaustive';
  depth?: number;
  preemptions: number;
  workers?: number;
  faults: FaultSettings;
  replay?: string;
  shrinking: boolean;
  html?: string;
  debug: boolean;
  debugScript?: string;
}

/** An option: a switch, or one that takes a value (`arg`). */
interface OptionSpec {
  readonly arg: boolean;
  set(c: ExploreCommand, value: string, flag: string): void;
}

const int = (flag: string, x: string) => {
  const n = Number(x);
  if (!Number.isInteger(n) || n < 0) throw new OptionsError(`argument ${flag}: invalid int value: '${x}'`);
  return n;
};
const intOption = (set: (c: ExploreCommand, n: number) => void): OptionSpec => ({
  arg: true,
  set: (c, value, flag) => set(c, int(flag, value)),
});
const textOption = (set: (c: ExploreCommand, value: string) => void): OptionSpec => ({ arg: true, set });
const switchOption = (set: (c: ExploreCommand) => void): OptionSpec => ({ arg: false, set });

const STRATEGIES = ['random', 'pct', 'exhaustive'] as const;
const extraVars = textOption((c, v) => Object.assign(c.extraVars, parseExtraVars(v)));

const OPTIONS: Record<string, OptionSpec> = {
  '--processes': intOption((c, n) => (c.processes = n)),
  '--schedules': intOption((c, n) => (c.schedules = n)),
  '--seed': intOption((c, n) => (c.seed = n)),
  '--seconds': intOption((c, n) => (c.seconds = n)),
  '--replay': textOption((c, v) => (c.replay = v)),
  '--no-shrink': switchOption((c) => (c.shrinking = false)),
  '--html': textOption((c, v) => (c.html = v)),
  '--debug': switchOption((c) => (c.debug = true)),
  '--debug-script': textOption((c, v) => Object.assign(c, { debug: true, debugScript: v })),
  '--invariant': textOption((c, v) => c.invariants.push(v)),
  '--liveness': switchOption((c) => (c.liveness = true)),
  '--strict-amazon-aws': switchOption((c) => (c.strictAmazonAws = true)),
  '--strategy': textOption((c, v) => {
    if (!(STRATEGIES as readonly string[]).includes(v))
      throw new OptionsError(`argument --strategy: invalid choice: '${v}' (choose from 'random', 'pct', 'exhaustive')`);
    c.strategy = v as ExploreCommand['strategy'];
  }),
  '--depth': intOption((c, n) => (c.depth = n)),
  '--preemptions': intOption((c, n) => (c.preemptions = n)),
  '--workers': intOption((c, n) => (c.workers = Math.max(1, n))),
  '-e': extraVars,
  '--extra-vars': extraVars,
  ...Object.fromEntries(FAULTS.flatMap((f) => f.flags.map((flag) => [flag.flag, faultOption(flag)]))),
};

/** A fault's flag sets its setting (and what else the entry says). */
function faultOption({ setting, arg, set }: FaultFlag): OptionSpec {
  if (!arg) return switchOption((c) => (c.faults = { ...c.faults, [setting]: true }));
  return intOption((c, n) => (c.faults = { ...c.faults, [setting]: n, ...set?.(n, c.faults) }));
}

/** The flags that set faults, as the parser knows them. */
export const FAULT_FLAGS: readonly string[] = Object.keys(OPTIONS).filter((flag) =>
  FAULTS.some((f) => f.flags.some((x) => x.flag === flag)),
);

/** The command line, or 'help' when -h comes before anything wrong. */
export function parseExploreArgs(argv: readonly string[]): ExploreCommand | 'help' {
  const c: ExploreCommand = {
    processes: 2,
    schedules: 1000,
    seed: 1,
    seconds: 60,
    extraVars: {},
    invariants: [],
    liveness: false,
    strictAmazonAws: false,
    strategy: 'random',
    preemptions: 2,
    faults: {},
    shrinking: true,
    debug: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return 'help';
    const spec = OPTIONS[a];
    if (!spec) {
      if (a.startsWith('-')) throw new OptionsError(`unrecognized arguments: ${a}`);
      c.file = a;
      continue;
    }
    const value = spec.arg ? argv[++i] : '';
    if (value === undefined) throw new OptionsError(`argument ${a}: expected one argument`);
    spec.set(c, value, a);
  }
  if (!c.file) throw new OptionsError('the following arguments are required: playbook');
  if (c.processes < 1) throw new OptionsError('argument --processes: must be at least 1');
  if (c.debug && c.replay === undefined)
    throw new OptionsError('argument --debug: only with --replay (debug a schedule the search found)');
  return c;
}

/** The faults as the help lists them: those over the whole schedule, then those at interleaving points. */
const faultUsage = (point: boolean) =>
  FAULTS.filter((f) => Boolean(f.point) === point)
    .map((f) => f.usage)
    .join(', ');

export const EXPLORE_HELP = `usage: tsible explore PLAYBOOK|TARGET [--processes N] [-e EXTRA_VARS] [options]

Races N copies of a playbook or task file against one in-memory CloudWatch Logs and SES endpoint, in simulated
time, and searches the schedules (which copy moves at each AWS call or wait) for one that breaks the lock. A
TARGET directory (tasks/main.yml) runs as \`tsible test\` runs it, each copy with its own resource_prefix.

search:
  --strategy random|pct|exhaustive   how schedules are chosen (default random)
  --schedules N, --seconds S, --seed N   budget (1000 schedules, 60 s) and master seed (1)
  --depth D        pct: priority change points + 1 (3); exhaustive: decisions explored (100)
  --preemptions P  exhaustive: switches away from a process that could go on (2)
  --workers N      random and pct: worker processes (one per core)
checks:
  --invariant EXPR   a Jinja2 conditional over \`processes\` that must hold after every task (repeatable)
  --invariant NAME   an invariant over the endpoint's state, checked after every call:
${Object.entries(NAMED_INVARIANTS)
  .map(([name, says]) => `                       ${name}: ${says}`)
  .join('\n')}
  --liveness         a process that never holds the lock, or ends failed, is a violation too
  --strict-amazon-aws   the AWS modules behave exactly as amazon.aws 5.5.1
faults (off by default):
  ${faultUsage(false)},
  ${faultUsage(true)}
counterexamples:
  --no-shrink        print the schedule as found
  --replay SEED|SCHEDULE   run one schedule again, byte for byte (same options)
  --debug, --debug-script FILE   with --replay: walk the schedule in the step debugger
  --html FILE        draw the schedule shown as swimlanes
`;
