// Forks (src/executor/lockstep.ts, output-order.ts): up to `forks` hosts run a task at once, their output in host
// order whatever order they finish in; a task run once, throttled, or held by a controller runs one host at a
// time. No timing is asserted: concurrency is shown by hosts that wait for each other (a rendezvous that only
// completes when all of them run together) and by how many markers a host sees beside its own.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Lockstep } from '../../src/executor/lockstep.js';
import { TurnOrder, heldBack, inTurn } from '../../src/executor/output-order.js';
import type { Task } from '../../src/playbook/model.js';
import { runPlaybook } from './run-playbook.js';

const THREE_HOSTS = ['a', 'b', 'c'].map((h) => `${h} ansible_connection=local\n`).join('');
const task = (line: number): Task => ({
  kind: 'task',
  action: 'debug',
  actionAsWritten: 'debug',
  args: {},
  keywords: {},
  pos: { file: 'site.yml', line, column: 1 },
});

describe('the lockstep with forks', () => {
  it('releases up to the width at once, in host order, the next as one is done', async () => {
    const lockstep = new Lockstep(['a', 'b', 'c'], () => 2);
    const released: string[] = [];
    const arrivals = ['a', 'b', 'c'].map((h) =>
      Promise.resolve(lockstep.arrive(h, task(1))).then((first) => released.push(`${h}${first ? '*' : ''}`)),
    );
    await Promise.all(arrivals.slice(0, 2));
    expect(released).toEqual(['a*', 'b']);
    lockstep.done('b');
    await arrivals[2];
    expect(released).toEqual(['a*', 'b', 'c']);
    expect(lockstep.turnOf('a')).toBeDefined();
  });

  it('runs one host at a time at width 1, with no turns', async () => {
    const lockstep = new Lockstep(['a', 'b'], () => 1);
    const order: string[] = [];
    const b = Promise.resolve(lockstep.arrive('b', task(1))).then(() => order.push('b'));
    await lockstep.arrive('a', task(1));
    order.push('a');
    expect(lockstep.turnOf('a')).toBeUndefined();
    await Promise.resolve();
    expect(order).toEqual(['a']);
    lockstep.done('a');
    await b;
    expect(order).toEqual(['a', 'b']);
  });
});

describe('output in host order', () => {
  it('holds a later host’s events until the hosts before it are done', async () => {
    const shown: string[] = [];
    const show = (what: string) => {
      if (!heldBack(() => shown.push(what))) shown.push(what);
    };
    const order = new TurnOrder();
    const [a, b, c] = [order.next(), order.next(), order.next()];
    inTurn(c, () => show('c1'));
    inTurn(b, () => show('b1'));
    inTurn(a, () => show('a1'));
    expect(shown).toEqual(['a1']);
    order.finish(c);
    order.finish(a);
    expect(shown).toEqual(['a1', 'b1']);
    // b is the head now: what it shows goes out at once
    await inTurn(b, async () => {
      await Promise.resolve();
      show('b2');
    });
    expect(shown).toEqual(['a1', 'b1', 'b2']);
    order.finish(b);
    expect(shown).toEqual(['a1', 'b1', 'b2', 'c1']);
    inTurn(undefined, () => show('after'));
    expect(shown.at(-1)).toBe('after');
  });
});

/** Each host leaves a marker, counts the markers it sees, and takes its marker away after a while. */
const counting = (dir: string, extra = '') => `
- hosts: all
  gather_facts: false
  tasks:
    - shell: touch ${dir}/{{ inventory_hostname }}; n=$(ls ${dir} | wc -l); sleep 0.3; rm ${dir}/{{ inventory_hostname }}; echo $n
      register: seen
${extra}
    - debug: msg="{{ seen.stdout }}"
`;
const counts = (lines: string[]) => lines.filter((l) => l.startsWith('ok: [')).map((l) => Number(l.split(' ').at(-1)));

describe('forks in a run', () => {
  it('runs the hosts of a task together and shows them in host order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsible-forks-'));
    // each host waits (up to 20 s) until all three have left their marker: only hosts running together finish
    const { lines } = await runPlaybook(
      `
- hosts: all
  gather_facts: false
  tasks:
    - shell: touch ${dir}/{{ inventory_hostname }}; for i in $(seq 200); do [ $(ls ${dir} | wc -l) -ge 3 ] && exit 0; sleep 0.1; done; exit 1
    - shell: "sleep {{ {'a': 0.4, 'b': 0.2, 'c': 0}[inventory_hostname] }}"
`,
      { hosts: THREE_HOSTS, forks: 5 },
    );
    expect(lines).toEqual([
      'TASK [shell]',
      'changed: [a] ',
      'changed: [b] ',
      'changed: [c] ',
      'TASK [shell]',
      'changed: [a] ',
      'changed: [b] ',
      'changed: [c] ',
    ]);
  });

  it('runs no more hosts at once than forks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsible-forks-'));
    const { lines } = await runPlaybook(counting(dir), { hosts: THREE_HOSTS, forks: 2 });
    expect(counts(lines).every((n) => n >= 1 && n <= 2)).toBe(true);
  });

  it.each([
    ['throttle: 1', '      throttle: 1', {}],
    ['run_once', '      run_once: true', {}],
    ['a controller on the hooks', '', { hooks: { afterTask: () => undefined } }],
  ])('runs one host at a time with %s', async (_what, extra, options) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsible-forks-'));
    const { lines } = await runPlaybook(counting(dir, extra), { hosts: THREE_HOSTS, forks: 5, ...options });
    expect(counts(lines).every((n) => n === 1)).toBe(true);
    expect(counts(lines).length).toBe(3);
  });
});
