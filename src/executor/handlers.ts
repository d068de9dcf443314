// Handlers: a changed task notifies them by name (or `listen`), and they run when handlers are flushed (after each
// section of the play, or at meta: flush_handlers), in the order they were defined.
import type { Block, Task } from '../playbook/model.js';
import { pyStr, truthy } from '../python/python.js';
import { TsibleError } from '../errors.js';
import { configValue } from '../config.js';
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
  const index = handlerIndex(ctx);
  for (const n of Array.isArray(names) ? names : [names]) {
    const name = pyStr(n);
    const handlers = index.get(name);
    // ERROR_ON_MISSING_HANDLER (on by default): the run stops before the task's result is shown
    if (!handlers?.length)
      throw new TsibleError(
        `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`,
      );
    for (const handler of handlers) {
      if (state.notified.has(handler)) continue;
      state.notified.add(handler);
      ctx.emit('notified', handler.name ?? handler.actionAsWritten, host);
    }
  }
}

/** The handlers each name notifies, made again when the play's handlers change (a new play, an included role's). */
const indexes = new WeakMap<RunContext, { handlers: readonly Task[]; count: number; byName: Map<string, Task[]> }>();
function handlerIndex(ctx: RunContext): Map<string, Task[]> {
  const known = indexes.get(ctx);
  if (known?.handlers === ctx.handlers && known.count === ctx.handlers.length) return known.byName;
  const named = new Map<string, Task>();
  const listening = new Map<string, Task[]>();
  for (const h of ctx.handlers) {
    for (const name of handlerNames(h)) named.set(name, h);
    for (const name of h.listen ?? []) listening.set(name, [...(listening.get(name) ?? []), h]);
  }
  const byName = new Map<string, Task[]>();
  for (const name of new Set([...named.keys(), ...listening.keys()])) {
    const h = named.get(name);
    byName.set(name, h ? [h, ...(listening.get(name) ?? [])] : listening.get(name)!);
  }
  indexes.set(ctx, { handlers: ctx.handlers, count: ctx.handlers.length, byName });
  return byName;
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

/** Runs the handlers notified on this host (none when the host failed, unless the play forces them). */
export async function flushHandlers(ctx: RunContext, gate: HandlerRunner, host: string): Promise<void> {
  const state = ctx.hostState(host);
  // force_handlers: a host's failure does not stop the handlers notified before it
  if (
    !state.notified.size ||
    (state.failed && !truthy(ctx.play.keywords.force_handlers ?? configValue('DEFAULT_FORCE_HANDLERS', ctx.opts.env)))
  )
    return;
  // in the order they were loaded; a handler that notifies a later one runs it in this flush
  for (const h of ctx.handlers) {
    if (!state.notified.delete(h)) continue;
    await gate.runTask(h, host, {}, true);
  }
}
