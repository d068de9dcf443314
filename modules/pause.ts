import { defineModule } from '../src/module.js';
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
    const start = ctx.clock.now();
    const ms = args.minutes !== null ? args.minutes * 60_000 : args.seconds !== null ? args.seconds * 1000 : 0;
    let userInput = '';
    if (ms > 0) await ctx.clock.sleep(ms, ctx.signal);
    else if (!process.stdin.isTTY || !ctx.services.prompt)
      ctx.warn('Not waiting for response to prompt as stdin is not interactive');
    else {
      const header = `[${ctx.task.name ?? 'pause'}]\n${args.prompt ?? 'Press enter to continue, Ctrl+C to interrupt'}:\n`;
      userInput = (await ctx.services.prompt(header)) ?? '';
    }
    const delta = Math.round((ctx.clock.now() - start) / 1000);
    return {
      changed: false,
      rc: 0,
      stderr: '',
      stdout: `Paused for ${args.minutes !== null ? `${(delta / 60).toFixed(2)} minutes` : `${delta} seconds`}`,
      start: new Date(start).toISOString(),
      stop: new Date(ctx.clock.now()).toISOString(),
      delta,
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
