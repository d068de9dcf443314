// `tsible explore PLAYBOOK --processes N`: many schedules of N copies racing, until one breaks the invariant or the
// budget runs out. Every schedule has its own seed; a violation is shrunk to fewer context switches and printed as
// a schedule (`1x12.2x3...`) that `--replay` runs again exactly, as it does a seed.
import { statSync, writeFileSync } from 'node:fs';
import { ExitCode, TsibleError } from '../errors.js';
import { scriptSource, stdinSource } from '../debugger/debugger.js';
import { loadPlaybook } from '../playbook/loader.js';
import { ScheduleDebugger } from './schedule-debugger.js';
import { swimlanes } from './swimlanes.js';
import { EXPLORE_HELP, parseExploreArgs, type ExploreCommand } from './command-line.js';
import { simulationOf, type ExploreOptions } from './explore-options.js';
import { listChooser } from './choosers.js';
import { runChoices, runSeed } from './runs.js';
import { exploreSchedules, progressEvery } from './search.js';
import { shrink, switches } from './shrink.js';
import { decodeSchedule, encodeSchedule } from './schedule-codec.js';
import { formatTrace } from './trace-format.js';
import { scrub } from '../vault/index.js';
import { runSchedule, type ScheduleOutcome } from './simulation.js';

// the benchmark's entry point
export { exploreSchedules };

interface ExploreIo {
  out(s: string): void;
  isTTY?: boolean;
  writeFile?(file: string, text: string): void;
}

/** The command, its options and where it prints. */
interface Command {
  readonly c: ExploreCommand;
  readonly options: ExploreOptions;
  readonly io: ExploreIo;
}

/** A role target's play as `tsible test` runs it (src/testing builds it, above the explorer), in a file that
 * lives until remove(). */
type TargetPlaybook = (dir: string) => { playbook: string; remove(): void };

export async function explore(argv: string[], io: ExploreIo, targetPlaybook?: TargetPlaybook): Promise<number> {
  const c = parseExploreArgs(argv);
  if (c === 'help') {
    io.out(EXPLORE_HELP);
    return 0;
  }
  if (!statSync(c.file!, { throwIfNoEntry: false })?.isDirectory()) return exploreFile(c, io);
  if (!targetPlaybook) throw new TsibleError(`${c.file} is a directory, not a playbook`);
  const target = targetPlaybook(c.file!);
  try {
    return await exploreFile({ ...c, file: target.playbook }, io);
  } finally {
    target.remove();
  }
}

/** The search or the replay of one playbook file. */
async function exploreFile(c: ExploreCommand, io: ExploreIo): Promise<number> {
  // progress rewrites one line on a terminal; elsewhere (CI logs, pipes) it would only add noise
  const options: ExploreOptions = {
    playbook: loadPlaybook(c.file!),
    processes: c.processes,
    schedules: c.schedules,
    seed: c.seed,
    seconds: c.seconds,
    ...c.faults,
    extraVars: c.extraVars,
    invariants: c.invariants,
    liveness: c.liveness,
    strictAmazonAws: c.strictAmazonAws,
    strategy: c.strategy,
    depth: c.depth ?? (c.strategy === 'exhaustive' ? 100 : 3),
    preemptions: c.preemptions,
    playbookFile: c.file,
    workers: c.workers,
    onProgress: progressEvery(100, (n) => progress(io, `explored ${n} schedules...`)),
  };
  const command = { c, options, io };
  return c.replay !== undefined ? replay(command, c.replay) : search(command);
}

const progress = (io: ExploreIo, text: string) => {
  if (io.isTTY) io.out(`\r${text}`);
};
const line = (io: ExploreIo, text: string) => io.out(`${io.isTTY ? '\r' : ''}${text}`);

/** `--html FILE`: the schedule shown, as swimlanes. */
function picture({ c, io }: Command, outcome: ScheduleOutcome, title: string): void {
  if (!c.html) return;
  (
    io.writeFile ??
    ((f: string, t: string) => {
      writeFileSync(f, t);
    })
  )(c.html, scrub(swimlanes(outcome, title))); // the run's secrets masked, as in every output
  io.out(`swimlanes written to ${c.html}\n`);
}

/** `--replay SEED|SCHEDULE`: one schedule again, its trace and verdict (in the debugger with --debug). */
async function replay(command: Command, text: string): Promise<number> {
  const { c, options, io } = command;
  const schedule = /^\d+$/.test(text) ? undefined : decodeSchedule(text);
  let outcome: ScheduleOutcome;
  if (c.debug) {
    outcome = await debugReplay(command, schedule ?? (await runSeed(options, Number(text))));
    if (outcome.interrupted) {
      io.out('User interrupted execution\n');
      return ExitCode.Interrupted;
    }
  } else outcome = schedule ? await runChoices(options, schedule, true) : await runSeed(options, Number(text), true);
  if (outcome.error) throw new TsibleError(outcome.error);
  const verdict = outcome.violation ? `VIOLATION: ${outcome.violation.message}` : 'no violation in this schedule';
  io.out(`${formatTrace(outcome.trace, outcome.violation?.step)}\n\n${verdict}\n`);
  for (const f of outcome.failures) io.out(`failed: ${f}\n`);
  picture(command, outcome, `tsible explore --replay ${text}`);
  return outcome.violation ? 2 : 0;
}

/** Walks a schedule (a seed's is found by running it once) in the schedule debugger. */
async function debugReplay(
  { c, options, io }: Command,
  moves: Pick<ScheduleOutcome, 'seed' | 'choices' | 'faults'>,
): Promise<ScheduleOutcome> {
  const input = c.debugScript ? scriptSource(c.debugScript, io) : stdinSource(io);
  try {
    return await runSchedule(
      simulationOf(options, {
        faultPlan: moves.faults,
        recordVars: true,
        controller: new ScheduleDebugger(io, input, moves.choices.length),
      }),
      moves.seed,
      listChooser(moves.choices),
    );
  } finally {
    if ('close' in input) (input as { close(): void }).close();
  }
}

/** The search, and what it found: nothing (and how much it covered), or a violation shrunk and shown. */
async function search(command: Command): Promise<number> {
  const { c, options, io } = command;
  const started = Date.now();
  const report = await exploreSchedules(options);
  const rate = report.explored / Math.max(0.001, (Date.now() - started) / 1000);
  const ff = report.firstFailure;
  const failed = ff
    ? `; ${report.failures} schedule(s) ended with a failed process, first --replay ${c.strategy === 'exhaustive' ? encodeSchedule(ff.seed, ff.choices, ff.faults) : ff.seed}: ${ff.failures[0]}`
    : '';
  if (report.found) return showViolation(command, report.found, report.explored);
  const bounds =
    c.strategy !== 'exhaustive'
      ? ''
      : report.complete
        ? `, all schedules within ${options.preemptions} preemption(s) over the first ${options.depth} decisions`
        : `, not all schedules within the bounds (${options.preemptions} preemption(s), ${options.depth} decisions): the budget ran out`;
  line(
    io,
    `explored ${report.explored} schedules (${rate.toFixed(0)}/s)${bounds}, no violation found${failed} (a search, not a proof)\n`,
  );
  return 0;
}

const sizeOf = (r: ScheduleOutcome) =>
  `${r.processes} processes, ${r.faults.size} faults, ${r.choices.length} moves, ${switches(r.choices)} switches`;

/** A violation: shrunk (unless --no-shrink), then replayed once more recording what each task changed. */
async function showViolation({ c, options, io }: Command, found: ScheduleOutcome, explored: number): Promise<number> {
  if (found.error) throw new TsibleError(found.error);
  line(io, `VIOLATION after ${explored} schedules: ${found.violation!.message}\n`);
  let shown = found;
  if (c.shrinking) {
    progress(io, 'shrinking...');
    shown = await shrink(options, found);
    const by = c.strategy === 'exhaustive' ? '' : ` by seed ${found.seed}`;
    line(io, `found${by} (${sizeOf(found)}), shrunk to ${sizeOf(shown)}: ${shown.violation!.message}\n`);
  }
  const detailed = await runChoices({ ...options, processes: shown.processes }, shown, true);
  const replayOf = (r: ScheduleOutcome) =>
    `${r.processes !== c.processes ? `--processes ${r.processes} ` : ''}--replay ${encodeSchedule(r.seed, r.choices, r.faults)}`;
  const reproduce = c.shrinking || c.strategy === 'exhaustive' ? replayOf(shown) : `--replay ${shown.seed}`;
  io.out(
    `reproduce with: ${reproduce}\n\n${formatTrace(detailed.trace, detailed.violation?.step ?? shown.violation!.step)}\n`,
  );
  picture({ c, options, io }, detailed.violation ? detailed : shown, `tsible explore: ${shown.violation!.message}`);
  return 2;
}
