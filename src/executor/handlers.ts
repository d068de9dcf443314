// Handlers: a changed task notifies them by name (or `listen`), and they run when handlers are flushed (after each
// section of the play, or at meta: flush_handlers), in the order they were defined.
import type { Block, Task } from '../playbook/model.js';
import { pyStr } from '../python/python.js';
import type { RunContext } from './context.js';

/** A changed task notified these handlers on this host. */
export function notify(ctx: RunContext, host: string, names: unknown): void {
  const state = ctx.hostState(host);
  for (const h of Array.isArray(names) ? names : [names]) {
    state.notified.add(pyStr(h));
    // the strategy reports each handler it notifies before the result itself
    for (const handler of ctx.handlers)
      if (handler.listen?.includes(pyStr(h))) ctx.emit('notified', handler.name ?? handler.actionAsWritten, host);
  }
}

/** The play's handlers, and its roles' (each use of a role brings its own: notifying by name runs every handler of
 * that name). */
export function startPlayHandlers(ctx: RunContext): void {
  ctx.handlers = [...ctx.play.handlers];
  ctx.handlerRoles = new Set(ctx.play.roles.map((b) => b.roleRoot?.key ?? ''));
}
/** An included role's handlers join the play's. */
export function addRoleHandlers(ctx: RunContext, role: Block): void {
  if (ctx.handlerRoles.has(role.roleRoot!.key)) return;
  ctx.handlerRoles.add(role.roleRoot!.key);
  ctx.handlers.push(...role.role!.handlers);
}

/** What runs a handler: the task gate, as for any task. */
interface HandlerRunner {
  runTask(task: Task, host: string, extra: Record<string, unknown>, handler?: boolean): Promise<void> | void;
}

/** Runs the handlers notified on this host (none when the host failed). */
export async function flushHandlers(ctx: RunContext, gate: HandlerRunner, host: string): Promise<void> {
  const state = ctx.hostState(host);
  if (!state.notified.size || state.failed) return;
  const notified = new Set(state.notified);
  state.notified.clear();
  for (const h of ctx.handlers) {
    if (h.listen?.some((n) => notified.has(n))) await gate.runTask(h, host, {}, true);
  }
}
