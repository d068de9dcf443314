// SES's receipt rule set operations over the in-memory model: plain objects in and out, in the shapes of
// botocore's model (ses 2010-12-01); wire-query.ts reads the form and writes the XML. Timestamps leave here as
// ISO 8601 text, which is how the Query protocol carries them.
import { AwsError } from './common.js';
import { SesModel, type RuleSet } from './ses-model.js';
import type { JsonObject } from './wire.js';

const metadata = (s: RuleSet): JsonObject => ({
  Name: s.name,
  CreatedTimestamp: new Date(s.createdTimestamp).toISOString(),
});

/** A described rule set: tsible's rule sets hold no receipt rules. */
const described = (s: RuleSet): JsonObject => ({ Metadata: metadata(s), Rules: [] });

/** The caller an operation runs for: its access key, or `anonymous` for an unsigned request. */
type Caller = string | undefined;

export class SesService {
  /** Who holds the lock that guards the active rule set, if anyone watches one (ses-lock.ts sets it). */
  lockHolder: () => string | undefined = () => undefined;
  constructor(readonly model: SesModel) {}

  readonly operations: Record<string, (input: JsonObject, caller: Caller) => JsonObject> = {
    CreateReceiptRuleSet: (b) => {
      this.model.create(b.RuleSetName);
      return {};
    },
    DeleteReceiptRuleSet: (b) => {
      this.model.delete(b.RuleSetName);
      return {};
    },
    DescribeReceiptRuleSet: (b) => described(this.model.get(b.RuleSetName)),
    // one page holds every rule set: the account's quota (40) is below SES's page size (100)
    ListReceiptRuleSets: () => ({ RuleSets: this.model.list().map(metadata) }),
    DescribeActiveReceiptRuleSet: () => {
      const active = this.model.active;
      return active ? described(active) : {};
    },
    SetActiveReceiptRuleSet: (b, caller) => {
      this.model.setActive(b.RuleSetName, caller ?? 'anonymous', this.lockHolder());
      return {};
    },
  };

  mutates(operation: string): boolean {
    return !/^(Describe|List)/.test(operation);
  }
  snapshot(): JsonObject {
    return { ses: this.model.snapshot() };
  }
  restore(state: JsonObject): void {
    this.model.restore((state.ses as Parameters<SesModel['restore']>[0] | undefined) ?? {});
  }

  call(operation: string, input: JsonObject, caller?: string): JsonObject {
    const op = this.operations[operation];
    if (!op)
      throw new AwsError('InvalidAction', `The action ${operation} is not valid for tsible's local SES endpoint`);
    return op(input, caller);
  }
}
