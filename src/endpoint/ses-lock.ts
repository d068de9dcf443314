// The aws_ses_rule_set target's lock, watched from the endpoint: several processes may share one account's single
// active receipt rule set only one at a time, and the target guards that with a lock made of CloudWatch Logs
// groups. The holder, by the target's own rule (obtain-lock.yaml), is whoever created the oldest attempt group
// under the lock's prefix; every SetActiveReceiptRuleSet is recorded with the holder of that moment, and one made
// while somebody else held the lock is a breach.
import type { LogsModel } from './logs-model.js';
import type { LocalEndpoint } from './server.js';
import type { Activation } from './ses-model.js';

/** The fixture's lock_log_group_prefix. */
const SES_LOCK_PREFIX = 'ansible-testing-locks/aws_ses_rule_set/';

/** The access key that created the group last (the endpoint's call record names every caller). */
function creatorOf(ep: LocalEndpoint, group: string): string | undefined {
  for (let i = ep.calls.length - 1; i >= 0; i--) {
    const c = ep.calls[i]!;
    if (c.operation === 'CreateLogGroup' && c.status === 200 && c.input.logGroupName === group) return c.accessKey;
  }
  return undefined;
}

/** Who holds the lock now: the creator of the oldest attempt, ties going to the first name as the target's stable
 * sort of a name-ordered listing gives them. */
export function lockHolder(
  logs: LogsModel,
  creator: (group: string) => string | undefined,
  prefix = SES_LOCK_PREFIX,
): string | undefined {
  let oldest: { logGroupName: string; creationTime: number } | undefined;
  for (const g of logs.list(prefix)) if (!oldest || g.creationTime < oldest.creationTime) oldest = g;
  return oldest && creator(oldest.logGroupName);
}

/** From now on, each change of the endpoint's active rule set notes who held the lock then. */
export function watchSesLock(ep: LocalEndpoint, prefix = SES_LOCK_PREFIX): void {
  ep.services.ses.lockHolder = () => lockHolder(ep.services.logs.model, (g) => creatorOf(ep, g), prefix);
}

/** An activation made while another caller held the lock. */
export const isBreach = (a: Activation): boolean => a.lockHolder !== undefined && a.lockHolder !== a.by;

/** The changes of the active rule set made while another caller held the lock. */
export const lockBreaches = (ep: LocalEndpoint): Activation[] => ep.services.ses.model.activations.filter(isBreach);
