// `tsible test` on target folders covering each alias rule and ansible-test variable, its JUnit and json
// reports parsed back, and the library API called from vitest.
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook, runTarget, runTasks } from '../../src/index.js';
import { ROOT, playbookDir, runCli } from '../helpers.js';

const targets = path.join(ROOT, 'test/targets');

/** A small XML reader, enough to check the JUnit report's structure. */
function parseXml(text: string): { name: string; attrs: Record<string, string>; children: any[] } {
  const root = { name: '#root', attrs: {}, children: [] as any[] };
  const stack = [root];
  const re = /<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|<\?[^>]*\?>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (!m[2]) continue;
    if (m[1]) {
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/([\w:-]+)="([^"]*)"/g))
      attrs[a[1]!] = a[2]!
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    const node = { name: m[2], attrs, children: [] as any[] };
    stack[stack.length - 1]!.children.push(node);
    if (!m[4]) stack.push(node);
  }
  expect(stack).toHaveLength(1);
  return root;
}

describe('tsible test', () => {
  it('runs targets as ansible-test does, honours aliases, and reports to the terminal, JUnit and json', async () => {
    const out = path.join(tmpdir(), `tsible-junit-${process.pid}.xml`),
      json = path.join(tmpdir(), `tsible-json-${process.pid}.json`);
    const run = await runCli([
      'test',
      ...['ok_target', 'disabled_target', 'runme_playbooks', 'needs_other', 'aws_target', 'failing_target'].map((t) =>
        path.join(targets, t),
      ),
      '--local-aws',
      '--continue-on-error',
      '--junit',
      out,
      '--json',
      json,
    ]);
    expect(run.code).toBe(2);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^ok_target: passed \[/);
    expect(lines[1]).toBe('disabled_target: skipped (disabled (pass --allow-disabled to run it)) [0.0 s]');
    expect(lines[2]).toMatch(/^runme_playbooks: passed \[/);
    expect(lines[3]).toMatch(/^needs_other: passed \[/);
    expect(lines[4]).toMatch(/^aws_target: passed \[/);
    expect(lines[5]).toMatch(/^failing_target: failed \(this one fails: broken on purpose\) \[/);
    expect(run.stdout).toContain('\n4 passed, 1 failed, 1 skipped\n');
    const xml = parseXml(readFileSync(out, 'utf8'));
    const suites = xml.children[0].children;
    expect(suites.map((s: any) => s.attrs.name)).toEqual([
      'ok_target',
      'disabled_target',
      'runme_playbooks',
      'needs_other',
      'aws_target',
      'failing_target',
    ]);
    const ok = suites[0];
    expect(ok.children.map((c: any) => c.attrs.name)).toEqual([
      '[testhost] testhost: Gathering Facts',
      '[testhost] testhost: defaults are loaded',
      '[testhost] testhost: ansible-test variables are there',
      '[testhost] testhost: skipped on purpose',
    ]);
    expect(ok.children[3].children[0]).toMatchObject({
      name: 'skipped',
      attrs: { message: 'Conditional result was False' },
    });
    const failing = suites[5];
    expect(failing.attrs.failures).toBe('1');
    expect(failing.children.at(-1).children[0]).toMatchObject({
      name: 'failure',
      attrs: { message: 'broken on purpose', type: 'failed' },
    });
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.targets.map((t: any) => [t.name, t.status])).toEqual([
      ['ok_target', 'passed'],
      ['disabled_target', 'skipped'],
      ['runme_playbooks', 'passed'],
      ['needs_other', 'passed'],
      ['aws_target', 'passed'],
      ['failing_target', 'failed'],
    ]);
    expect(doc.targets[0].result.plays[0].tasks[1].hosts.testhost.msg).toBe('All assertions passed');
  });

  const fixture = path.join(ROOT, '../shared/fixtures/aws_ses_rule_set');
  it.skipIf(!existsSync(fixture))(
    'runs the fixture target, whole, against the local endpoint',
    async () => {
      const r = await runTarget(fixture, { localAws: true });
      expect(r.reason).toBeUndefined();
      expect(r.status).toBe('passed');
    },
    60_000,
  );
});

describe('library API', () => {
  it('runPlaybook returns results, stats, host variables and the text the CLI would print', async () => {
    const dir = playbookDir({
      'p.yml':
        '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - set_fact:\n        answer: "{{ 40 + n }}"\n    - command: echo hi\n      register: out\n',
    });
    const r = await runPlaybook(path.join(dir, 'p.yml'), { extraVars: { n: 2 } });
    expect(r.ok).toBe(true);
    expect(r.stats.localhost).toMatchObject({ ok: 2, changed: 1, failures: 0 });
    expect(r.hostvars.localhost!.answer).toBe('42');
    expect((r.hostvars.localhost!.out as any).stdout).toBe('hi');
    expect(r.tasks.map((t) => [t.task, t.status])).toEqual([
      ['set_fact', 'ok'],
      ['command', 'changed'],
    ]);
    expect(r.output).toContain('TASK [command] ****');
    expect((r.json.plays[0] as any).tasks[1].hosts.localhost.stdout).toBe('hi');
  });

  it('hands back plain JS values: a Python float 3.0 is the number 3, while the printed output keeps 3.0', async () => {
    const dir = playbookDir({
      'p.yml':
        '- hosts: localhost\n  gather_facts: false\n  vars:\n    r: 3.0\n  tasks:\n    - set_fact:\n        pair: "{{ [r, (1, 2.0)] }}"\n    - debug: var=pair\n',
    });
    const r = await runPlaybook(path.join(dir, 'p.yml'));
    expect(r.hostvars.localhost!.pair).toStrictEqual([3, [1, 2]]);
    expect(r.tasks[0]!.result.ansible_facts).toStrictEqual({ pair: [3, [1, 2]] });
    expect(r.output).toContain('"pair": [\n        3.0,\n        [\n            1,\n            2.0\n        ]\n    ]');
  });

  it('runTasks runs a bare task file; check mode and an abort signal are honoured', async () => {
    const dir = playbookDir({
      't.yml': '- command: touch created\n  args:\n    creates: created\n- wait_for:\n    timeout: 30\n',
    });
    const controller = new AbortController();
    const pending = runTasks(path.join(dir, 't.yml'), { check: true, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow('User interrupted execution');
  });
});
