import { existsSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { defineModule } from '../src/module.js';

const portOpen = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createConnection({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });

export default defineModule({
  names: ['wait_for', 'ansible.builtin.wait_for', 'ansible.legacy.wait_for'],
  argumentSpec: {
    host: { type: 'str', default: '127.0.0.1' },
    timeout: { type: 'int', default: 300 },
    connect_timeout: { type: 'int', default: 5 },
    delay: { type: 'int', default: 0 },
    port: { type: 'int' },
    active_connection_states: {
      type: 'list',
      elements: 'str',
      default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'],
    },
    state: { type: 'str', default: 'started', choices: ['absent', 'drained', 'present', 'started', 'stopped'] },
    path: { type: 'path' },
    search_regex: { type: 'str' },
    exclude_hosts: { type: 'list' },
    sleep: { type: 'int', default: 1 },
    msg: { type: 'str' },
  },
  mutuallyExclusive: [['port', 'path']],
  supportsCheckMode: true,
  async run(args, ctx) {
    const start = ctx.clock.now();
    const elapsed = () => Math.floor((ctx.clock.now() - start) / 1000);
    if (args.delay) await ctx.clock.sleep(args.delay * 1000, ctx.signal);
    if (args.port === null && args.path === null && args.state !== 'drained') {
      // plain timeout: sleep, then report success as Ansible does
      await ctx.clock.sleep(args.timeout * 1000, ctx.signal);
      return {
        changed: false,
        elapsed: elapsed(),
        state: args.state,
        path: null,
        port: null,
        search_regex: null,
        match_groups: [],
        match_groupdict: {},
      };
    }
    const deadline = start + args.timeout * 1000;
    const want = args.state === 'absent' || args.state === 'stopped' ? false : true;
    for (;;) {
      let ok: boolean;
      if (args.path !== null) {
        ok = existsSync(args.path);
        if (ok && args.search_regex) ok = new RegExp(args.search_regex, 'm').test(readFileSync(args.path, 'utf8'));
      } else ok = await portOpen(args.host, args.port);
      if (ok === want)
        return {
          changed: false,
          elapsed: elapsed(),
          state: args.state,
          path: args.path,
          port: args.port,
          search_regex: args.search_regex,
          match_groups: [],
          match_groupdict: {},
        };
      if (ctx.clock.now() >= deadline) {
        const what = args.path !== null ? `file ${args.path}` : `${args.host}:${args.port}`;
        return {
          failed: true,
          changed: false,
          elapsed: elapsed(),
          msg: args.msg ?? `Timeout when waiting for ${what}${want ? '' : ' to stop'}`,
        };
      }
      await ctx.clock.sleep(args.sleep * 1000, ctx.signal);
    }
  },
});
