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
import { pyRepr } from '../src/python/python.js';

export default defineModule({
  names: ['pause', 'ansible.builtin.pause', 'ansible.legacy.pause'],
  argumentSpec: {
    // the action types them with Python's int itself (floats are truncated), checked in run
    seconds: { type: 'raw' },
    minutes: { type: 'raw' },
    prompt: { type: 'str' },
    echo: { type: 'bool', default: true },
  },
  mutuallyExclusive: [['minutes', 'seconds']],
  supportsCheckMode: true,
  actionPlugin: true,
  async run(given, ctx) {
    const bad = ['minutes', 'seconds'].map((k) => intProblem(k, given[k])).find((m) => m !== undefined);
    if (bad) return { failed: true, msg: bad };
    const args: Record<string, any> = { ...given, minutes: asInt(given.minutes), seconds: asInt(given.seconds) };
    const show = (text: string) => ctx.services.display?.(text);
    const start = ctx.clock.now();
    const wait = args.minutes !== null ? args.minutes * 60 : args.seconds;
    let userInput = '';
    if (wait !== null) {
      const seconds = Math.max(1, wait);
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

const asInt = (v: unknown): number | null => (v === null || v === undefined ? null : Math.trunc(Number(v)));

/** Why Python's int() refuses a value, as the argument validator words it (the task's YAML classes). */
function intProblem(name: string, v: unknown): string | undefined {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return undefined;
  if (typeof v === 'string' && /^\s*[-+]?\d+(_\d+)*\s*$/.test(v)) return undefined;
  const why =
    typeof v === 'string'
      ? `invalid literal for int() with base 10: ${pyRepr(v)}`
      : `int() argument must be a string, a bytes-like object or a real number, not '${Array.isArray(v) ? 'list' : 'dict'}'`;
  const kind = typeof v === 'string' ? 'AnsibleUnicode' : Array.isArray(v) ? 'AnsibleSequence' : 'AnsibleMapping';
  return `argument '${name}' is of type <class 'ansible.parsing.yaml.objects.${kind}'> and we were unable to convert to int: ${why}`;
}
