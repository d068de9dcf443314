// What a schedule is checked against: users' invariants (Jinja2 conditionals over every process's variables,
// after every task), the invariants known by name (over the endpoint's state, after every call), and the verdict
// they and the lock observer reach.
import { isBreach } from '../endpoint/ses-lock.js';
import type { Activation } from '../endpoint/ses-model.js';
import type { TaskPoint } from '../executor/events.js';
import { isDict } from '../python/python.js';
import { Templar } from '../template/templar.js';
import { HIDDEN_VARS, type TraceRecorder } from './trace.js';

export interface Violation {
  readonly message: string;
  readonly step: number;
}

/** The schedule's verdict: the first violation, or an invariant that could not be evaluated. */
export class Verdict {
  violation?: Violation;
  error?: string;
  /** The first violation stands. */
  violate(message: string, step: number): void {
    this.violation ??= { message, step };
  }
}

/** The invariants `--invariant NAME` selects, with what they say (a name is no Jinja2 conditional: a dash is a
 * subtraction of undefined variables there). */
export const ACTIVE_SET_BY_LOCK_HOLDER = 'active-set-by-lock-holder';
export const NAMED_INVARIANTS: Readonly<Record<string, string>> = {
  [ACTIVE_SET_BY_LOCK_HOLDER]: "the active SES rule set is changed only by the aws_ses_rule_set target's lock holder",
};

/** The named invariant over SES's active rule set: a change made while another process held the lock breaks it. */
export function checkActivation(activation: Activation, verdict: Verdict, trace: TraceRecorder): void {
  if (!isBreach(activation) || verdict.violation) return;
  const i = Number(activation.by.slice(1)) - 1;
  const to = activation.ruleSet === null ? 'no rule set active' : `the active rule set to ${activation.ruleSet}`;
  trace.note(i, `set ${to} while ${activation.lockHolder} held the lock`, 'invariant');
  verdict.violate(
    `the active rule set was changed by ${activation.by} while ${activation.lockHolder} held the lock (${ACTIVE_SET_BY_LOCK_HOLDER})`,
    trace.length,
  );
}

/** Users' invariants: each sees `processes`, the list of every process's variables as of its last finished task
 * (`{}` before its first), as that process's templates render them. */
export class UserInvariants {
  readonly #snapshots: Array<Record<string, unknown>>;
  constructor(
    private readonly expressions: readonly string[],
    processes: number,
  ) {
    this.#snapshots = Array.from({ length: processes }, () => ({}));
  }

  get any(): boolean {
    return this.expressions.length > 0;
  }

  /** Process i finished a task with these variables. */
  snapshot(i: number, point: TaskPoint, vars: Record<string, unknown>): void {
    // its vars may refer to each other: rendered as its own templates would
    const own = point.template(Object.fromEntries(Object.entries(vars).filter(([k]) => !HIDDEN_VARS.has(k))));
    this.#snapshots[i] = isDict(own) ? own : {};
  }

  /** Checks every invariant after process i's task; false when one could not be evaluated (the schedule ends). */
  check(i: number, verdict: Verdict, trace: TraceRecorder): boolean {
    for (const expr of this.expressions) {
      let holds: boolean;
      // a Templar per check: it caches the variables it resolved
      try {
        holds = new Templar({
          lookupVar: (n) => (n === 'processes' ? this.#snapshots : undefined),
        }).evaluateConditional(expr);
      } catch (e) {
        verdict.error = `the invariant '${expr}' could not be evaluated: ${e instanceof Error ? e.message : String(e)}`;
        verdict.violate(verdict.error, trace.length);
        return false;
      }
      if (!holds && !verdict.violation) {
        trace.note(i, `invariant false: ${expr}`, 'invariant');
        verdict.violate(`the invariant '${expr}' is false after p${i + 1}'s task '${trace.taskOf(i)}'`, trace.length);
      }
    }
    return true;
  }
}
