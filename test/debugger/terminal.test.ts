// The debugger and --step at a real terminal: tmux runs tsible in a pseudo-terminal, the test types at the
// prompts and reads the screen. It waits for text on the screen, never for a fixed time.
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, playbookDir } from '../helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// A tmux server of this file's own, kept alive by an idle session: the server exits with its last session, and a
// session started while it exits fails ("server exited unexpectedly"), as one test's started after another's end.
const SOCKET = `tsible-test-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
beforeAll(() => {
  if (hasTmux) tmux('new-session', '-d', '-s', 'keeper', 'sleep 3600');
});
afterAll(() => {
  if (hasTmux) tmux('kill-server');
});

async function screenUntil(session: string, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', session);
    if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; screen:\n${screen}`);
    await new Promise((r) => setImmediate(r));
  }
}

/** Runs tsible with these arguments in a tmux pane of its own, hands the session to `use`, then kills it. */
async function inTerminal(
  name: string,
  dir: string,
  args: string,
  use: (session: string) => Promise<void>,
): Promise<void> {
  const session = `tsible-${name}-${process.pid}`;
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '120',
    '-y',
    '50',
    `cd ${dir} && NO_COLOR=1 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 node ${BIN} ${args}; echo "exit=$?"; sleep 30`,
  );
  try {
    await use(session);
  } finally {
    tmux('kill-session', '-t', session);
  }
}

describe.skipIf(!hasTmux)('at a terminal', () => {
  it('the debugger prompts, evaluates, redoes and quits with 99', async () => {
    const dir = playbookDir({
      'p.yml':
        '- hosts: localhost\n  gather_facts: false\n  vars:\n    var1: value1\n  tasks:\n    - name: use var1\n      debug:\n        msg: "{{ var1 }} {{ wrong_var }}"\n      debugger: on_failed\n    - name: next\n      debug: msg=done\n',
    });
    await inTerminal('dbg', dir, 'p.yml', async (session) => {
      await screenUntil(session, '[localhost] TASK: use var1 (debug)> ');
      tmux('send-keys', '-t', session, "p task_vars['var1']", 'Enter');
      await screenUntil(session, "'value1'");
      tmux('send-keys', '-t', session, "task_vars['wrong_var'] = 'fixed'", 'Enter');
      tmux('send-keys', '-t', session, 'r', 'Enter');
      await screenUntil(session, '"msg": "value1 fixed"');
      const screen = await screenUntil(session, 'exit=0');
      expect(screen).toContain('TASK [next]');
    });
  });

  it('--step asks at the terminal; q at the debugger exits 99', async () => {
    const dir = playbookDir({
      'p.yml':
        '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: one\n      debug: msg=1\n      debugger: always\n    - name: two\n      debug: msg=2\n',
    });
    await inTerminal('step', dir, 'p.yml --step', async (session) => {
      await screenUntil(session, 'Perform task: TASK: one (N)o/(y)es/(c)ontinue: ');
      tmux('send-keys', '-t', session, 'y', 'Enter');
      await screenUntil(session, '[localhost] TASK: one (debug)> ');
      tmux('send-keys', '-t', session, 'q', 'Enter');
      const screen = await screenUntil(session, /exit=\d+/);
      expect(screen).toContain('User interrupted execution');
      expect(screen).toContain('exit=99');
      expect(screen).not.toContain('TASK [two]');
    });
  });
});

describe.skipIf(!hasTmux)('pause at a terminal', () => {
  it('prompts and waits for Enter, recording what was typed', async () => {
    const dir = playbookDir({
      'p.yml':
        '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: ask\n      pause:\n        prompt: Type a word\n      register: r\n    - debug:\n        var: r.user_input\n',
    });
    await inTerminal('pause', dir, 'p.yml', async (session) => {
      await screenUntil(session, '[ask]\nType a word:');
      tmux('send-keys', '-t', session, 'hello', 'Enter');
      const screen = await screenUntil(session, 'exit=0');
      expect(screen).toContain('"r.user_input": "hello"');
    });
  });
});

describe.skipIf(!hasTmux)('vars_prompt at a terminal', () => {
  it('asks for each variable, hides private answers, confirms, and takes the default for an empty answer', async () => {
    const dir = playbookDir({
      'p.yml': [
        '- hosts: localhost',
        '  gather_facts: false',
        '  vars_prompt:',
        '    - name: user',
        '      prompt: Your name',
        '      private: false',
        '    - name: secret',
        '      prompt: Your secret',
        '      confirm: true',
        '    - name: color',
        '      prompt: Colour',
        '      default: blue',
        '      private: false',
        '  tasks:',
        '    - debug:',
        '        msg: "{{ user }}/{{ secret | length }}/{{ color }}"',
        '',
      ].join('\n'),
    });
    await inTerminal('vars-prompt', dir, 'p.yml', async (session) => {
      await screenUntil(session, 'Your name: ');
      tmux('send-keys', '-t', session, 'ada', 'Enter');
      await screenUntil(session, 'Your secret: ');
      tmux('send-keys', '-t', session, 'hunter2', 'Enter');
      await screenUntil(session, 'confirm Your secret: ');
      tmux('send-keys', '-t', session, 'hunter2', 'Enter');
      await screenUntil(session, 'Colour [blue]: ');
      tmux('send-keys', '-t', session, 'Enter');
      const screen = await screenUntil(session, /exit=\d+/);
      expect(screen).toContain('"msg": "ada/7/blue"');
      expect(screen).toContain('exit=0');
      expect(screen).not.toContain('hunter2');
      expect(screen).toContain('Your name: ada');
    });
  });
});
