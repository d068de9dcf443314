// The pause action: a timed wait (never under a second) or a prompt, with the notices Ansible's action prints on
// the run's output whether or not there is a terminal.
import { defineModule, type ModuleContext } from '../src/module.js';

/** How the result's start and stop read: str(datetime.now()), local time with microseconds. */
function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

/** Python's str(round(x, 2)) of a float: 1.0, 1.01. */
function rounded(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Number.isInteger(r) ? r.toFixed(1) : String(r);
}

/** The prompt as the action shows it: the task's name, the text, a note when input is hidden. */
function promptText(args: Record<string, any>, ctx: ModuleContext): string {
  const hidden = args.echo ? '' : ' (output is hidden)';
  const name = (ctx.task.name ?? ctx.invokedAs).trim();
  return `[${name}]\n${args.prompt || 'Press enter to continue, Ctrl+C to interrupt'}${hidden}:`;
}

export default defineModule({
  names: ['pause', 'ansible.builtin.pause', 'ansible.legacy.pause'],
  argumentSpec: {
    seconds: { type: 'int' },
    minutes: { type: 'int' },
    prompt: { type: 'str' },
    echo: { type: 'bool', default: true },
  },
  mutuallyExclusive: [['minutes', 'seconds']],
  supportsCheckMode: true,
  actionPlugin: true,
  async run(args, ctx) {
    const show = (text: string) => ctx.services.display?.(text);
    const start = ctx.clock.now();
    const given = args.minutes !== null ? args.minutes * 60 : args.seconds;
    let userInput = '';
    if (given !== null) {
      const seconds = Math.max(1, given);
      show(`Pausing for ${seconds} seconds${args.echo ? '' : ' (output is hidden)'}`);
      show("(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r");
      if (args.prompt) show(promptText(args, ctx));
      await ctx.clock.sleep(seconds * 1000, ctx.signal);
    } else if (!process.stdin.isTTY || !ctx.services.prompt) {
      show(promptText(args, ctx));
      ctx.warn('Not waiting for response to prompt as stdin is not interactive');
    } else userInput = (await ctx.services.prompt(`${promptText(args, ctx)}\n`)) ?? '';
    const duration = (ctx.clock.now() - start) / 1000;
    return {
      changed: false,
      rc: 0,
      stderr: '',
      // (minutes unless seconds were given)
      stdout: `Paused for ${args.seconds !== null ? `${rounded(duration)} seconds` : `${rounded(duration / 60)} minutes`}`,
      start: localTime(start),
      stop: localTime(ctx.clock.now()),
      delta: Math.floor(duration),
      echo: args.echo,
      user_input: userInput,
    };
  },
});
