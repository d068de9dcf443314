// Handlers: a changed task notifies them by name (or `listen`), and they run when handlers are flushed (after each
// section of the play, or at meta: flush_handlers), in the order they were defined.
import type { Block, Task } from '../playbook/model.js';
import { TsibleError } from '../errors.js';
import { pyStr } from '../python/python.js';
import { roleHandlers } from '../playbook/loader.js';
import type { RunContext } from './context.js';

/** The names a handler answers to by name: its name, and in a role also `role : name` (Handler.get_name). */
function handlerNames(h: Task): string[] {
  if (h.name === undefined) return [];
  return h.role ? [h.name, `${h.role.name} : ${h.name}`] : [h.name];
}

/** A changed task notified these handlers on this host: by name the last handler loaded with that name
 * (search_handler_blocks_by_name), and every handler that listens to it. */
export function notify(ctx: RunContext, host: string, names: unknown): void {
  const state = ctx.hostState(host);
  for (const n of Array.isArray(names) ? names : [names]) {
    const name = pyStr(n);
    const byName = [...ctx.handlers].reverse().find((h) => handlerNames(h).includes(name));
    const listening = ctx.handlers.filter((h) => h.listen?.includes(name));
    // the strategy ends the run before it shows the task's result (ERROR_ON_MISSING_HANDLER)
    if (!byName && !listening.length)
      throw new TsibleError(
        `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`,
      );
    for (const handler of byName ? [byName, ...listening] : listening) {
      if (state.notified.has(handler)) continue;
      state.notified.add(handler);
      ctx.emit('notified', handler.name ?? handler.actionAsWritten, host);
    }
  }
}

/** The play's handlers, and its roles' (each use of a role brings its own). */
export function startPlayHandlers(ctx: RunContext): void {
  ctx.handlers = [...ctx.play.handlers];
  ctx.handlerRoles = new Set(ctx.play.roles.map((b) => b.roleRoot?.key ?? ''));
}
/** An included role's handlers join the play's. */
export function addRoleHandlers(ctx: RunContext, role: Block): void {
  if (ctx.handlerRoles.has(role.roleRoot!.key)) return;
  ctx.handlerRoles.add(role.roleRoot!.key);
  ctx.handlers.push(...roleHandlers(role));
}

/** What runs a handler: the task gate, as for any task. */
interface HandlerRunner {
  runTask(task: Task, host: string, extra: Record<string, unknown>, handler?: boolean): Promise<void> | void;
}

/** Runs the handlers notified on this host (none when the host failed). */
export async function flushHandlers(ctx: RunContext, gate: HandlerRunner, host: string): Promise<void> {
  const state = ctx.hostState(host);
  if (!state.notified.size || state.failed) return;
  // in the order they were loaded; a handler that notifies a later one runs it in this flush
  for (const h of ctx.handlers) {
    if (!state.notified.delete(h)) continue;
    await gate.runTask(h, host, {}, true);
  }
}
