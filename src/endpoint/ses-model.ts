// The in-memory SES receipt rule sets of one account and region: at most 40 of them, at most one active, the
// active one undeletable, names checked as SES checks them. Every change of the active set is kept with who made
// it and when, so that a race of several processes can be audited (ses-lock.ts).
import { AwsError, systemClock, type Clock } from './common.js';

export interface RuleSet {
  readonly name: string;
  /** Milliseconds since the epoch. */
  readonly createdTimestamp: number;
}

/** One SetActiveReceiptRuleSet: the set made active (null: none), the caller's id (its access key), when, and
 * who held the lock guarding it then, when someone watches one (ses-lock.ts). */
export interface Activation {
  readonly ruleSet: string | null;
  readonly by: string;
  readonly at: number;
  readonly lockHolder?: string;
}

/** SES's quota of receipt rule sets per account and region. */
const MAX_RULE_SETS = 40;
const NAME_CHARS = /^[a-zA-Z0-9_.-]+$/;
const ALNUM = /^[a-zA-Z0-9]$/;

const doesNotExist = (name: string) => new AwsError('RuleSetDoesNotExist', `Rule set does not exist: ${name}`);

/** SES's two checks of a rule set name: the allowed characters (a ValidationError), then its length and ends
 * (InvalidParameterValue), as SES answers them; an empty name is refused before either. */
function validateRuleSetName(name: unknown): string {
  if (typeof name !== 'string' || name === '')
    throw new AwsError('InvalidParameterValue', 'ruleSetName must not be empty');
  if (!NAME_CHARS.test(name))
    throw new AwsError(
      'ValidationError',
      "1 validation error detected: Value at 'ruleSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.-]+$",
    );
  if (name.length > 64 || !ALNUM.test(name[0]!) || !ALNUM.test(name[name.length - 1]!))
    throw new AwsError('InvalidParameterValue', `Not a valid ruleSetName: ${name}`);
  return name;
}

export class SesModel {
  readonly #ruleSets = new Map<string, RuleSet>();
  #active: string | null = null;
  readonly activations: Activation[] = [];
  constructor(readonly clock: Clock = systemClock) {}

  create(name: unknown): RuleSet {
    const valid = validateRuleSetName(name);
    if (this.#ruleSets.has(valid)) throw new AwsError('AlreadyExists', `Rule set already exists: ${valid}`);
    if (this.#ruleSets.size >= MAX_RULE_SETS)
      throw new AwsError('LimitExceeded', `Maximum number of receipt rule sets (${MAX_RULE_SETS}) exceeded`);
    const set: RuleSet = { name: valid, createdTimestamp: this.clock.nowMs() };
    this.#ruleSets.set(valid, set);
    return set;
  }

  /** Deleting a rule set that does not exist succeeds, as in SES; the active one cannot be deleted. */
  delete(name: unknown): void {
    const valid = validateRuleSetName(name);
    if (this.#active === valid) throw new AwsError('CannotDelete', `Cannot delete active rule set: ${valid}`);
    this.#ruleSets.delete(valid);
  }

  get(name: unknown): RuleSet {
    const valid = validateRuleSetName(name);
    const set = this.#ruleSets.get(valid);
    if (!set) throw doesNotExist(valid);
    return set;
  }

  /** By creation time, then name. */
  list(): RuleSet[] {
    return [...this.#ruleSets.values()].sort(
      (a, b) => a.createdTimestamp - b.createdTimestamp || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  }

  get active(): RuleSet | undefined {
    return this.#active === null ? undefined : this.#ruleSets.get(this.#active);
  }

  /** Makes `name` the active set; no name leaves none active. */
  setActive(name: unknown, by: string, lockHolder?: string): void {
    const valid = name === undefined || name === null ? null : this.get(name).name;
    this.#active = valid;
    this.activations.push({ ruleSet: valid, by, at: this.clock.nowMs(), ...(lockHolder ? { lockHolder } : {}) });
  }

  snapshot(): { ruleSets: RuleSet[]; active: string | null } {
    return { ruleSets: this.list(), active: this.#active };
  }
  restore(state: { ruleSets?: readonly RuleSet[]; active?: string | null }): void {
    this.#ruleSets.clear();
    for (const s of state.ruleSets ?? []) this.#ruleSets.set(s.name, { ...s });
    this.#active = state.active ?? null;
  }
}
