// The leak scan (issue 15): playbooks whose secrets come from vault (a whole encrypted vars file, inline `!vault`
// values, an encrypted file read by the unvault lookup), no_log tasks (set_fact, register) and -e values a no_log
// task used, run through every output: the default callback at each verbosity and with --diff, the json callback,
// the debugger, `tsible test`'s JUnit and json reports, `tsible explore`'s trace and --html picture, and
// `tsible race`. No secret may appear in clear in any of them; with --show-secrets (and TSIBLE_SHOW_SECRETS) each
// one does, which shows that the scan would see a leak.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encrypt } from '../../src/vault/index.js';
import { playbookDir, runCli, type CliRun } from '../helpers.js';

const PASSWORD = 'leak-scan-test-password';
/** Distinctive secrets: one with a quote and one with non-ASCII letters, so that JSON's and repr's escapes are
 * scanned for too. */
const SECRET = {
  vaultFile: 'VaultFileSecret-7f3a9c',
  vaultQuoted: `Vault"Quoted'Secret-41d2`,
  vaultInline: 'InlineVaultSecret-2b8e41',
  vaultUnicode: 'Geheimnis-ßäö€-8842',
  unvault: 'UnvaultedFileSecret-c0ffee',
  noLogFact: 'NoLogFactSecret-5d1c77',
  noLogRegister: 'NoLogRegisterSecret-9e0f12',
  extraVar: 'ExtraVarToken-3c4d5e',
};

/** Every way a secret may be written: as it is, JSON-escaped (ASCII or not), repr'd, HTML- or XML-escaped. */
function leaksIn(text: string): string[] {
  return Object.entries(SECRET).flatMap(([name, s]) => {
    const forms = [
      s,
      JSON.stringify(s).slice(1, -1),
      JSON.stringify(s)
        .slice(1, -1)
        .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      s.replace(/'/g, "\\'"),
      s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      s.replace(/&/g, '&amp;').replace(/"/g, '&quot;'),
    ];
    return forms.some((f) => text.includes(f)) ? [name] : [];
  });
}

const vaultOf = (text: string) => encrypt(text, { vaultId: 'default', password: Buffer.from(PASSWORD) });
const indent = (text: string, by: string) => text.trimEnd().replace(/^/gm, by);

const PLAYBOOK = (inline: string, inlineUnicode: string) => `
- hosts: localhost
  gather_facts: false
  vars_files: [secrets.yml]
  vars:
    inline_secret: !vault |
${indent(inline, '      ')}
    unicode_secret: !vault |
${indent(inlineUnicode, '      ')}
    derived: "user:{{ inline_secret }}"
  tasks:
    - name: "greet {{ vault_file_secret }}"
      debug:
        var: vault_file_secret
    - debug:
        var: inline_secret
    - debug:
        msg: "{{ derived }} {{ vault_quoted }} {{ unicode_secret }}"
    - debug:
        msg: "{{ lookup('unvault', 'blob.txt') }}"
    - set_fact:
        nolog_fact: ${SECRET.noLogFact}
        api_auth: "Bearer {{ api_token }}"
      no_log: true
    - command: echo ${SECRET.noLogRegister}
      register: nolog_reg
      no_log: true
    - debug:
        var: nolog_fact
    - debug:
        var: nolog_reg
    - debug:
        msg: "{{ nolog_reg.stdout }} {{ api_auth }} {{ api_token }}"
    - command: echo {{ inline_secret }}
    - copy:
        content: "{{ vault_file_secret }}\\n"
        dest: "{{ playbook_dir }}/{{ resource_prefix | default('run') }}-out.txt"
    - debug:
        msg: "{{ lookup('file', vault_file_secret) }}"
      ignore_errors: true
    - debug:
        msg: "{{ item }}"
      loop: ["{{ inline_secret }}", "{{ nolog_fact }}"]
    - assert:
        that: vault_file_secret == 'nope'
        fail_msg: "{{ inline_secret }} is not nope"
      ignore_errors: true
    - fail:
        msg: "bad {{ vault_file_secret }} {{ nolog_fact }} {{ api_token }}"
      ignore_errors: true
    - name: the last
      fail:
        msg: "fatal {{ inline_secret }}"
`;

const DEBUG_SCRIPT = [
  'p inline_secret',
  'p vault_file_secret',
  'p derived',
  'p nolog_fact',
  'p nolog_reg',
  'p api_auth',
  'p task.args',
  'p result._result',
  'p task_vars',
  'diff',
  'c',
].join('\n');

/** The explorer has no vault options: its secrets are what no_log tasks set and the -e value they used. */
const EXPLORE_PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - set_fact:
        started: true
    - set_fact:
        api_auth: "Bearer {{ api_token }}"
        nolog_fact: ${SECRET.noLogFact}
      no_log: true
    - command: echo ${SECRET.noLogRegister}
      register: nolog_reg
      no_log: true
    - set_fact:
        derived: "x-{{ nolog_fact }}-y {{ api_auth }} {{ nolog_reg.stdout }}"
    - cloudwatchlogs_log_group:
        log_group_name: locks/leak
        state: present
      register: created
    - set_fact:
        shown: "{{ derived }} {{ created.changed }}"
`;

/** An error that ends the run, thrown up to the command line, quoting a vaulted value. */
const FATAL_PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars_files: ["{{ vault_file_secret }}.yml"]
  tasks:
    - debug:
        msg: never run
`;

const TARGET_TASKS = `
- set_fact:
    nolog_fact: ${SECRET.noLogFact}
    api_auth: "Bearer {{ api_token }}"
  no_log: true
- fail:
    msg: "bad {{ nolog_fact }} {{ api_auth }}"
`;

let dir: string;
beforeAll(() => {
  dir = playbookDir({
    'pw.txt': `${PASSWORD}\n`,
    'secrets.yml': vaultOf(
      `vault_file_secret: ${SECRET.vaultFile}\nvault_quoted: ${JSON.stringify(SECRET.vaultQuoted)}\n`,
    ),
    'blob.txt': vaultOf(`${SECRET.unvault}\n`),
    'pb.yml': PLAYBOOK(vaultOf(SECRET.vaultInline), vaultOf(SECRET.vaultUnicode)),
    'debug.txt': DEBUG_SCRIPT,
    'explore.yml': EXPLORE_PLAYBOOK,
    'fatal.yml': FATAL_PLAYBOOK,
    // named after a secret and broken: the load error names the file (as Ansible's does)
    [`${SECRET.vaultFile}.yml`]: 'a: [unclosed\n',
    'targets/leaky/tasks/main.yml': TARGET_TASKS,
  });
});

const VAULT = ['--vault-password-file', 'pw.txt'];
const EXTRA = ['-e', `api_token=${SECRET.extraVar}`];

/** Each output of the scan: its name and the text of the run (or file) it is. Shown: secrets asked for, with
 * --show-secrets where the command has it (playbooks, race), TSIBLE_SHOW_SECRETS elsewhere. */
async function outputs(shown = false): Promise<Array<[string, string]>> {
  const show = shown ? ['--show-secrets'] : [];
  const env: Record<string, string> = shown ? { TSIBLE_SHOW_SECRETS: '1' } : {};
  const run = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> =>
    runCli(args, { cwd: dir, env: { ...(args[0] === 'explore' || args[0] === 'test' ? env : {}), ...extraEnv } });
  const text = (r: CliRun) => `${r.stdout}\n${r.stderr}`;
  const playbook = ['pb.yml', ...VAULT, ...EXTRA, ...show];
  const results: Array<[string, string]> = [];
  for (const v of ['', '-v', '-vv', '-vvv', '-vvvv'])
    results.push([`default ${v || '-v0'}`, text(await run([...playbook, ...(v ? [v] : [])]))]);
  results.push(['default --diff', text(await run([...playbook, '--diff', '-vvv', '-e', 'resource_prefix=diff']))]);
  results.push(['json', text(await run(playbook, { TSIBLE_STDOUT_CALLBACK: 'json' }))]);
  results.push(['fatal error', text(await run(['fatal.yml', ...VAULT, '-e', '@secrets.yml', ...show]))]);
  results.push([
    'debugger',
    text(await run([...playbook, '--debug-script', 'debug.txt'], { ANSIBLE_ENABLE_TASK_DEBUGGER: 'True' })),
  ]);
  const explore = ['explore', 'explore.yml', '--processes', '2', ...EXTRA];
  results.push(['explore replay', text(await run([...explore, '--replay', '1', '--html', 'lanes.html']))]);
  results.push(['explore --html', readFileSync(path.join(dir, 'lanes.html'), 'utf8')]);
  results.push(['explore search', text(await run([...explore, '--schedules', '5']))]);
  const report = ['test', 'targets/leaky', '--junit', 'junit.xml', '--json', 'report.json', ...EXTRA];
  results.push(['tsible test', text(await run(report))]);
  results.push(['junit', readFileSync(path.join(dir, 'junit.xml'), 'utf8')]);
  results.push(['test --json', readFileSync(path.join(dir, 'report.json'), 'utf8')]);
  results.push(['race', text(await run(['race', ...playbook, '--processes', '2']))]);
  return results;
}

describe('the leak scan', () => {
  it("shows secrets in the debugger after `reveal`, and in the run's output from then on", async () => {
    writeFileSync(path.join(dir, 'reveal.txt'), 'p inline_secret\nreveal\np inline_secret\np nolog_fact\nc\n');
    const run = await runCli(['pb.yml', ...VAULT, ...EXTRA, '--debug-script', 'reveal.txt'], {
      cwd: dir,
      env: { ANSIBLE_ENABLE_TASK_DEBUGGER: 'True' },
    });
    expect(run.stdout).toContain(
      `(debug)> p inline_secret\n'********'\n[localhost] TASK: the last (debug)> reveal\nSecrets are shown for the rest of this run.\n` +
        `[localhost] TASK: the last (debug)> p inline_secret\n'${SECRET.vaultInline}'\n` +
        `[localhost] TASK: the last (debug)> p nolog_fact\n'${SECRET.noLogFact}'\n`,
    );
    // what the run printed before `reveal` stays masked
    expect(run.stdout).toContain('"inline_secret": "********"');
  }, 60_000);

  it('finds no secret in clear in any output', async () => {
    const found = (await outputs()).flatMap(([name, text]) => leaksIn(text).map((s) => `${name}: ${s}`));
    expect(found).toEqual([]);
  }, 240_000);

  it("masks in explore's traces what the debugger masks: credential-named variables, and copies of them", async () => {
    writeFileSync(
      path.join(dir, 'credentials.yml'),
      '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - set_fact: {started: true}\n' +
        '    - set_fact: {copied: "key={{ aws_secret_key }}", db_password: "{{ aws_secret_key }}"}\n',
    );
    const run = await runCli(
      ['explore', 'credentials.yml', '--replay', '1', '-e', 'aws_secret_key=CredentialValue-77aa'],
      { cwd: dir },
    );
    expect(run.stdout).toContain(`p1 vars: copied='key=********', db_password='********'`);
    expect(run.stdout).not.toContain('CredentialValue-77aa');
  }, 60_000);

  it('sees every secret when they are shown on request (--show-secrets, TSIBLE_SHOW_SECRETS)', async () => {
    const all = await outputs(true);
    const seen = new Set(all.flatMap(([, text]) => leaksIn(text)));
    expect([...seen].sort()).toEqual(Object.keys(SECRET).sort());
    // each kind of output shows some secret on request, so the scan above would have seen its leaks
    const blind = all.filter(([name, text]) => !name.startsWith('explore') && leaksIn(text).length === 0);
    expect(blind.map(([name]) => name)).toEqual([]);
  }, 240_000);
});
