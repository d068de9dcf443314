// What a search is asked (ExploreOptions) and what it answers (ExploreReport), and the simulation every schedule
// of it runs: N copies of the playbook, each with its own resource_prefix, under the faults asked for.
import type { Playbook } from '../playbook/model.js';
import { faultVars, type FaultSettings } from './faults.js';
import type { LockVariables } from './lock-observer.js';
import type { ScheduleOutcome, SimulationOptions } from './simulation.js';

export interface ExploreOptions extends FaultSettings {
  readonly playbook: Playbook;
  readonly processes: number;
  readonly schedules: number;
  readonly seed: number;
  readonly seconds?: number;
  readonly extraVars?: Record<string, unknown>;
  readonly invariants?: readonly string[];
  readonly liveness?: boolean;
  /** The variables the default invariant reads (default: won_lock and lock_attempt_log_group_name). */
  readonly lockVariables?: LockVariables;
  /** The AWS modules behave as amazon.aws 5.5.1 does even where tsible deliberately differs (TSIBLE_STRICT_AMAZON_AWS). */
  readonly strictAmazonAws?: boolean;
  /** random (default), pct, or exhaustive; pct's bug depth (exhaustive: its bound on decisions explored) and its
   * bound on steps per schedule; exhaustive's bound on preemptions. */
  readonly strategy?: 'random' | 'pct' | 'exhaustive';
  readonly depth?: number;
  readonly preemptions?: number;
  readonly pctSteps?: number;
  readonly onProgress?: (explored: number) => void;
  /** Where the playbook came from: random and PCT searches then run in worker processes (`workers`, default one
   * per core) when the package is built. */
  readonly playbookFile?: string;
  readonly workers?: number;
}

export interface ExploreReport {
  readonly explored: number;
  readonly found?: ScheduleOutcome;
  readonly failures: number;
  readonly firstFailure?: ScheduleOutcome;
  /** exhaustive: every schedule within the bounds was run. */
  readonly complete?: boolean;
}

/** The simulation of one schedule of the search. */
export function simulationOf(o: ExploreOptions, more: Partial<SimulationOptions> = {}): SimulationOptions {
  const injected = faultVars(o);
  return {
    ...more,
    playbook: o.playbook,
    processes: o.processes,
    invariants: o.invariants,
    liveness: o.liveness,
    lockVariables: o.lockVariables,
    env: o.strictAmazonAws ? { TSIBLE_STRICT_AMAZON_AWS: '1' } : {},
    faults: o,
    extraVars: (i) => ({
      resource_prefix: `p${i + 1}`,
      aws_access_key: '',
      aws_secret_key: '',
      security_token: '',
      aws_region: 'us-east-1',
      ...injected,
      ...o.extraVars,
    }),
  };
}
