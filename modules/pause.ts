import { defineModule } from '../src/module.js';

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
