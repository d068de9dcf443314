// Handlers: a changed task notifies them by name (or `listen`), and they run when handlers are flushed (after each
// section of the play, or at meta: flush_handlers), in the order they were defined.
import type { Block, Task } from '../playbook/model.js';
import { pyStr, truthy } from '../python/python.js';
import { TsibleError, UndefinedError } from '../errors.js';
import { configValue } from '../config.js';
import { roleHandlers } from '../playbook/loader.js';
import type { RunContext } from './context.js';

/** The names a handler answers to by name: its (templated) name, and in a role also `role : name`
 * (Handler.get_name). */
function handlerNames(h: Task, name: string): string[] {
  return h.role ? [name, `${h.role.name} : ${name}`] : [name];
}

/** A changed task notified these handlers on this host (its `notify`, templated as the task ran): by name the
 * handler search_handler_blocks_by_name finds, and every handler that listens to it. */
export function notify(ctx: RunContext, host: string, names: unknown): void {
  const state = ctx.hostState(host);
  for (const n of Array.isArray(names) ? names : [names]) {
    const name = pyStr(n);
    const byName = handlerByName(ctx, host, name);
    const handlers = [...(byName ? [byName] : []), ...ctx.handlers.filter((h) => h.listen?.includes(name))];
    if (!handlers.length) {
      const message = `The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`;
      // ERROR_ON_MISSING_HANDLER (on by default): the run stops before the task's result is shown
      if (truthy(configValue('ERROR_ON_MISSING_HANDLER', ctx.opts.env))) throw new TsibleError(message);
      ctx.warn(message);
      continue;
    }
    for (const handler of handlers) {
      if (state.notified.has(handler)) continue;
      state.notified.add(handler);
      ctx.emit('notified', handler.name ?? handler.actionAsWritten, host);
    }
  }
}

/** The handlers each result notifies: the task's `notify` templated for the run (or the item) that gave it
 * (TaskExecutor's _ansible_notify). */
const resultNotify = new WeakMap<object, unknown[]>();
export function setNotify(result: object, names: unknown): void {
  resultNotify.set(result, names === null || names === undefined ? [] : Array.isArray(names) ? names : [names]);
}
/** What a changed result notifies: each item's names in a loop, else its own. */
export function notifiedBy(result: Record<string, unknown>): unknown[] {
  const parts = Array.isArray(result.results) ? (result.results as object[]) : [result];
  return parts.flatMap((r) => (r && typeof r === 'object' ? (resultNotify.get(r) ?? []) : []));
}

/** Handler names once templated, per run: Ansible templates a name the first time a search reaches it and keeps
 * it (cached_name). */
const templatedNames = new WeakMap<RunContext, Map<Task, string>>();

/** The handler a name notifies: the last block of handlers that has one by that name, and in it the first. A name
 * that cannot be templated is passed over (with a warning when the handler has nothing else to answer to). */
function handlerByName(ctx: RunContext, host: string, name: string): Task | undefined {
  let cache = templatedNames.get(ctx);
  if (!cache) templatedNames.set(ctx, (cache = new Map()));
  const blocks = handlerBlocks(ctx.handlers);
  for (const block of blocks.reverse())
    for (const h of block) {
      if (!h.name) continue;
      let templated = cache.get(h);
      if (templated === undefined)
        try {
          // (tsible templates it with the notifying host's variables; Ansible with the play's, without a host)
          templated = /{{|{%/.test(h.name) ? pyStr(ctx.templar(host, h).template(h.name)) : h.name;
          cache.set(h, templated);
        } catch (e) {
          if (!(e instanceof UndefinedError)) throw e;
          if (!h.listen?.length)
            ctx.warn(
              `Handler '${h.name}' is unusable because it has no listen topics and the name could not be templated (host-specific variables are not supported in handler names). The error: ${e.message}. ${e.message}`,
            );
          continue;
        }
      if (handlerNames(h, templated).includes(name)) return h;
    }
  return undefined;
}

/** The handlers in Ansible's blocks of handlers: bare handlers written in a row (an import among them included)
 * share one implicit block, an explicit block is its own. */
function handlerBlocks(handlers: readonly Task[]): Task[][] {
  const blocks: Task[][] = [];
  let previous: { top: Block | undefined; role: unknown } | undefined;
  for (const h of handlers) {
    let top = h.parent;
    while (top?.parent) top = top.parent;
    const explicit = top && !top.implicit ? top : undefined;
    if (!previous || explicit !== previous.top || h.role !== previous.role) blocks.push([]);
    blocks.at(-1)!.push(h);
    previous = { top: explicit, role: h.role };
  }
  return blocks;
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
  state.flushing = true;
  try {
    for (const h of ctx.handlers) {
      if (!state.notified.delete(h)) continue;
      await gate.runTask(h, host, {}, true);
    }
  } finally {
    state.flushing = false;
  }
}
