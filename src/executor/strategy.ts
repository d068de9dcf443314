// The linear strategy's parts wired together: the task gate, the block walk and the handlers, offered to the
// parts below them (includes, meta: flush_handlers) as the run's Walk.
import type { TaskOrBlock } from '../playbook/model.js';
import type { Vars } from '../vars/variable-manager.js';
import type { RunContext, Walk } from './context.js';
import { BlockWalk } from './block-walk.js';
import { flushHandlers } from './handlers.js';
import { TaskGate } from './task-gate.js';

export class LinearStrategy implements Walk {
  readonly gate: TaskGate;
  readonly blocks: BlockWalk;
  constructor(readonly ctx: RunContext) {
    this.gate = new TaskGate(ctx);
    this.blocks = new BlockWalk(ctx, this.gate);
    ctx.walk = this;
  }
  runList(list: readonly TaskOrBlock[], host: string, extra?: Vars): Promise<void> {
    return this.blocks.runList(list, host, extra);
  }
  flushHandlers(host: string): Promise<void> {
    return flushHandlers(this.ctx, this.gate, host);
  }
}
