// The faults `tsible explore` injects, one entry each: its flags, how the help lists it, for faults at interleaving
// points its letter in a schedule and its budget, and its effect on the simulation. The option parser, the help,
// the schedule codec, traces and swimlanes read this table; the simulation calls the effects at its hook points.
//
// Adding a fault: its setting in FaultSettings, one entry in FAULTS (flags, usage, and for a fault at interleaving
// points `point` with its letters and budget), and its effect as that entry's hooks (a new kind of effect needs a
// new hook, called where the simulation does that thing). test/explorer/fault-registry.test.ts checks that the
// parser, the help and the codec know exactly the registry's faults.
import type { LogsService } from '../endpoint/logs-protocol.js';
import { seededRandom } from '../../filters/core.js';
import type { Answer } from './simulated-client.js';

/** A fault as a schedule writes it at one decision: its letter, for some with an argument (`p5000`). */
export type Fault = string;

/** The faults' settings, as the command line gives them: switches, milliseconds, seconds, budgets per schedule. */
export interface FaultSettings {
  readonly clockTies?: boolean;
  readonly clockSkewMs?: number;
  readonly listingLagMs?: number;
  readonly sharedId?: boolean;
  readonly pauseAfterWinSeconds?: number;
  readonly crashes?: number;
  readonly lostReplies?: number;
  readonly injectedErrors?: number;
  readonly pauses?: number;
  readonly maxPauseSeconds?: number;
}

/** An AWS call's answer as a trace step records it (status 0: the reply was lost). */
export interface CallDetail {
  status: number;
  body: unknown;
  fault?: Fault;
}

/** The schedule's world as a fault set up at its start sees it. */
export interface SimulatedWorld {
  readonly seed: number;
  readonly service: LogsService;
  /** Virtual milliseconds every AWS call takes. */
  callMs: number;
}

/** The process a decision picked, as a fault at that decision acts on it. */
export interface FaultTarget {
  /** What it is about to do. */
  readonly kind: 'aws' | 'sleep' | 'task';
  readonly label: string;
  readonly holdsLock: boolean;
  /** A line in the trace; `crashed` also ends the process's time holding the lock in pictures. */
  note(label: string, mark: 'fault' | 'crashed'): void;
  /** It never moves again and nothing of it runs (no always:, no cleanup). */
  crash(): void;
  /** It sleeps this long before it moves. */
  sleep(ms: number): void;
  /** Its AWS attempt carries the fault. */
  failCall(fault: Fault): void;
  /** The fault means nothing here: the schedule does not keep it. */
  drop(): void;
}

/** What a fault makes of an AWS attempt: the trace's record and what the client sees. */
export interface FaultedAnswer {
  readonly detail: CallDetail;
  readonly answer: Answer;
}

/** A command-line flag of a fault: a switch, or one that takes an integer (`arg` names it, as the usage does). */
export interface FaultFlag {
  readonly flag: string;
  readonly setting: keyof FaultSettings;
  readonly arg?: string;
  /** What the flag sets, when more than its own setting. */
  readonly set?: (n: number, now: FaultSettings) => FaultSettings;
}

interface FaultEntry {
  readonly flags: readonly FaultFlag[];
  /** How the help lists it. */
  readonly usage: string;
  /** A fault at interleaving points: its letters in a schedule (a regular expression), its budget per schedule,
   * whether only AWS calls take it, and how a schedule draws one. */
  readonly point?: {
    readonly letters: string;
    readonly budget: keyof FaultSettings;
    readonly callsOnly?: boolean;
    readonly draw: (next: () => number, s: FaultSettings) => Fault;
  };
  /** At the schedule's start. */
  setUp?(world: SimulatedWorld, s: FaultSettings): void;
  /** Variables every copy gets (the user's -e wins). */
  extraVars?(s: FaultSettings): Record<string, unknown> | undefined;
  /** A process just won the lock: milliseconds it stops before its next move. */
  pauseAfterWin?(s: FaultSettings): number;
  /** At the decision that drew it: whether the process then makes its move. */
  atMove?(t: FaultTarget, fault: Fault): boolean;
  /** An AWS attempt that carries it, before the endpoint applies it: an answer instead. */
  beforeCall?(fault: Fault): FaultedAnswer | undefined;
  /** The same after the endpoint applied it, with its answer. */
  afterCall?(fault: Fault, applied: { status: number; body: unknown }): FaultedAnswer | undefined;
  /** How the trace and the swimlanes show the answer of an attempt that carried it (default: the answer, marked
   * as injected). */
  readonly shows?: { trace(d: CallDetail): string; lane(d: CallDetail): string };
}

/** A call fault's effect at its move: an AWS call carries it; elsewhere it means nothing. */
const failsCall = (t: FaultTarget, fault: Fault) => {
  if (t.kind === 'aws') t.failCall(fault);
  else t.drop();
  return true;
};

const INJECTED: Record<string, { code: string; status: number; message: string }> = {
  t: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  a: {
    code: 'OperationAbortedException',
    status: 400,
    message: 'Multiple requests to modify the same resource were in conflict.',
  },
  u: {
    code: 'ServiceUnavailableException',
    status: 503,
    message: 'The server failed to fulfill the request. Please try again.',
  },
};

const switchFlag = (flag: string, setting: keyof FaultSettings): FaultFlag => ({ flag, setting });
const intFlag = (flag: string, setting: keyof FaultSettings, arg: string): FaultFlag => ({ flag, setting, arg });

/** Faults over the whole schedule first, then faults at interleaving points (in the help's order). */
export const FAULTS: readonly FaultEntry[] = [
  {
    // creates in the same millisecond: every AWS call takes no virtual time
    flags: [switchFlag('--clock-ties', 'clockTies')],
    usage: '--clock-ties',
    setUp: (world, s) => {
      if (s.clockTies) world.callMs = 0;
    },
  },
  {
    // a create may be stamped up to D ms early (the servers' clocks disagree), as the seed decides
    flags: [intFlag('--clock-skew-ms', 'clockSkewMs', 'D')],
    usage: '--clock-skew-ms D',
    setUp: ({ service, seed }, s) => {
      const maxSkew = s.clockSkewMs ?? 0;
      if (maxSkew <= 0) return;
      const skewDraws = seededRandom(`skew/${seed}`);
      service.creationSkew = () => -Math.floor(skewDraws.next() * (maxSkew + 1));
    },
  },
  {
    // a listing may miss changes younger than D ms: the schedule decides, per describe and young change
    flags: [intFlag('--listing-lag-ms', 'listingLagMs', 'D')],
    usage: '--listing-lag-ms D',
    setUp: ({ service, seed }, s) => {
      if (!s.listingLagMs) return;
      service.faults.listingLagMs = s.listingLagMs;
      const visibility = seededRandom(`visibility/${seed}`);
      service.missesChange = () => visibility.next() < 0.5;
    },
  },
  {
    // every copy uses one lock_process_id
    flags: [switchFlag('--shared-id', 'sharedId')],
    usage: '--shared-id',
    extraVars: (s) => (s.sharedId ? { lock_process_id: 'shared' } : undefined),
  },
  {
    // a winner stops (a GC pause, a suspended VM) for S seconds before its next move
    flags: [intFlag('--pause-after-win', 'pauseAfterWinSeconds', 'S')],
    usage: '--pause-after-win S',
    pauseAfterWin: (s) => (s.pauseAfterWinSeconds ?? 0) * 1000,
  },
  {
    // c: the process stops for good, no cleanup
    flags: [intFlag('--crash', 'crashes', 'N')],
    usage: '--crash N',
    point: { letters: 'c', budget: 'crashes', draw: () => 'c' },
    atMove: (t) => {
      const holding = t.holdsLock ? ' while holding the lock: its attempt stays until it expires' : '';
      t.note(`crashes (fault)${holding} before ${t.label}`, 'crashed');
      t.crash();
      return false;
    },
  },
  {
    // l: the server applies the call, the client sees a timeout and the SDK retries
    flags: [intFlag('--lost-replies', 'lostReplies', 'N')],
    usage: '--lost-replies N',
    point: { letters: 'l', budget: 'lostReplies', callsOnly: true, draw: () => 'l' },
    atMove: failsCall,
    afterCall: (fault, { body }) => ({
      detail: { status: 0, body, fault },
      answer: {
        error: {
          code: 'TimeoutError',
          status: 0,
          message: 'Connection timed out after the request was sent (simulated lost reply)',
        },
      },
    }),
    shows: {
      trace: (d) => `  -> applied (${d.status === 0 ? 'ok' : 'error'}), reply lost (fault)`,
      lane: () => 'applied, reply lost (fault)',
    },
  },
  {
    // t / a / u: ThrottlingException, OperationAbortedException, ServiceUnavailable; the server does not apply it
    flags: [intFlag('--inject-errors', 'injectedErrors', 'N')],
    usage: '--inject-errors N',
    point: {
      letters: '[tau]',
      budget: 'injectedErrors',
      callsOnly: true,
      draw: (next) => (['t', 'a', 'u'] as const)[Math.floor(next() * 3)]!,
    },
    atMove: failsCall,
    beforeCall: (fault) => {
      const error = INJECTED[fault]!;
      return {
        detail: { status: error.status, body: { __type: error.code, message: error.message }, fault },
        answer: { error },
      };
    },
  },
  {
    // p<ms>: the process sleeps that long first (up to S seconds, N times per schedule)
    flags: [
      {
        ...intFlag('--pause-anywhere', 'maxPauseSeconds', 'S'),
        set: (n, s) => ({ pauses: Math.max(s.pauses ?? 0, 1) }),
      },
      intFlag('--pauses', 'pauses', 'N'),
    ],
    usage: '--pause-anywhere S [--pauses N]',
    point: {
      letters: 'p\\d+',
      budget: 'pauses',
      draw: (next, s) => `p${1 + Math.floor(next() * ((s.maxPauseSeconds ?? 60) * 1000))}`,
    },
    atMove: (t, fault) => {
      const ms = Number(fault.slice(1));
      t.note(`pauses for ${ms} ms (fault) before ${t.label}`, 'fault');
      t.sleep(ms);
      return false;
    },
  },
];

const POINT_FAULTS = FAULTS.filter((f) => f.point);
/** A schedule draws the faults any move can take first, then those only AWS calls take. */
const DRAW_ORDER = [
  ...POINT_FAULTS.filter((f) => !f.point!.callsOnly),
  ...POINT_FAULTS.filter((f) => f.point!.callsOnly),
];
const LETTERS = new RegExp(`^(?:${POINT_FAULTS.map((f) => `(${f.point!.letters})`).join('|')})$`);

/** The entry a schedule's fault letter belongs to (undefined: no fault writes it). */
export function faultEntry(fault: Fault): FaultEntry | undefined {
  const m = LETTERS.exec(fault);
  return m ? POINT_FAULTS[m.slice(1).findIndex((x) => x !== undefined)] : undefined;
}

/** Every copy's variables that faults set. */
export function faultVars(s: FaultSettings): Record<string, unknown> {
  return Object.assign({}, ...FAULTS.map((f) => f.extraVars?.(s)));
}

/** How long a process that just won stops before its next move (0: it does not). */
export function pauseAfterWin(s: FaultSettings): number {
  let ms = 0;
  for (const f of FAULTS) ms ||= f.pauseAfterWin?.(s) ?? 0;
  return ms;
}

/** A rate per interleaving point, while a fault's budget lasts. */
const FAULT_RATE = 0.03;

/**
 * The faults of one schedule: replayed from a plan (exactly those, nothing drawn), or drawn from the seed within
 * each fault's budget, in DRAW_ORDER. `applied` is what happened, by decision.
 */
export class ScheduleFaults {
  readonly applied = new Map<number, Fault>();
  readonly #budgets: number[];
  #draws?: { next(): number };
  constructor(
    private readonly settings: FaultSettings,
    private readonly seed: number,
    private readonly plan?: ReadonlyMap<number, Fault>,
  ) {
    this.#budgets = DRAW_ORDER.map((f) => Number(settings[f.point!.budget] ?? 0));
  }

  /** The fault for the move the picked process is about to make at this decision, if any. */
  at(decision: number, kind: FaultTarget['kind']): Fault | undefined {
    const fault = this.plan ? this.plan.get(decision) : this.#draw(kind);
    if (fault !== undefined) this.applied.set(decision, fault);
    return fault;
  }

  #draw(kind: FaultTarget['kind']): Fault | undefined {
    for (let k = 0; k < DRAW_ORDER.length; k++) {
      const point = DRAW_ORDER[k]!.point!;
      if (point.callsOnly && kind !== 'aws') continue;
      if (this.#budgets[k]! > 0 && this.#next() < FAULT_RATE) {
        this.#budgets[k]!--;
        return point.draw(() => this.#next(), this.settings);
      }
    }
    return undefined;
  }

  #next(): number {
    this.#draws ??= seededRandom(`faults/${this.seed}`);
    return this.#draws.next();
  }
}
