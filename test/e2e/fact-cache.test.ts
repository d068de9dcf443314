// The jsonfile fact cache across runs. Every expectation is what ansible-playbook 2.14 printed for the same
// playbooks and steps (cacheable facts seen by the next run and non-cacheable ones not, an expired file ignored
// unless the timeout is 0, --flush-cache leaving the implicit localhost alone, a corrupt file removed and the run
// stopped, gathering: smart skipping hosts whose cache says they were gathered).
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { playbookDir, runCli } from '../helpers.js';

const dir = playbookDir({
  'set.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - set_fact:
        ansible_foobar: cached
        cacheable: true
    - set_fact:
        plain: not cached
`,
  'read.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - debug:
        msg: "{{ ansible_foobar | default('undefined') }} {{ plain | default('undefined') }} {{ ansible_facts.foobar | default('undefined') }}"
`,
  'smart.yml': `- hosts: localhost
  tasks:
    - debug:
        msg: "{{ ansible_facts.module_setup }}"
`,
  'hosts.ini': 'cachehost ansible_connection=local\n',
  'host-set.yml': `- hosts: cachehost
  gather_facts: false
  tasks:
    - set_fact:
        kept: in the cache
        cacheable: true
`,
  'host-read.yml': `- hosts: cachehost
  gather_facts: false
  tasks:
    - debug:
        msg: "{{ kept | default('undefined') }}"
`,
});

function cacheRun(cache: string, args: string[], env: Record<string, string> = {}) {
  return runCli(args, {
    cwd: dir,
    env: { ANSIBLE_CACHE_PLUGIN: 'jsonfile', ANSIBLE_CACHE_PLUGIN_CONNECTION: cache, ...env },
  });
}
const message = (stdout: string) => /"msg": (.*)/.exec(stdout)?.[1];
const newCache = () => path.join(mkdtempSync(path.join(tmpdir(), 'tsible-fact-cache-')), 'cache');

describe('the jsonfile fact cache', () => {
  it('keeps cacheable facts for the next run, the others not, and writes them as Ansible does', async () => {
    const cache = newCache();
    expect((await cacheRun(cache, ['set.yml'])).code).toBe(0);
    expect(readFileSync(path.join(cache, 'localhost'), 'utf8')).toBe('{\n    "ansible_foobar": "cached"\n}');
    expect(message((await cacheRun(cache, ['read.yml'])).stdout)).toBe('"cached undefined cached"');
    // older than the timeout: not read (and left where it is); a timeout of 0 never expires
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(path.join(cache, 'localhost'), old, old);
    const expired = await cacheRun(cache, ['read.yml'], { ANSIBLE_CACHE_PLUGIN_TIMEOUT: '3600' });
    expect(message(expired.stdout)).toBe('"undefined undefined undefined"');
    expect(existsSync(path.join(cache, 'localhost'))).toBe(true);
    const forever = await cacheRun(cache, ['read.yml'], { ANSIBLE_CACHE_PLUGIN_TIMEOUT: '0' });
    expect(message(forever.stdout)).toBe('"cached undefined cached"');
  });

  it('--flush-cache empties the cache of the inventory hosts only', async () => {
    const cache = newCache();
    await cacheRun(cache, ['set.yml']);
    await cacheRun(cache, ['-i', 'hosts.ini', 'host-set.yml']);
    expect(message((await cacheRun(cache, ['-i', 'hosts.ini', 'host-read.yml'])).stdout)).toBe('"in the cache"');
    const flushed = await cacheRun(cache, ['-i', 'hosts.ini', 'host-read.yml', '--flush-cache']);
    expect(message(flushed.stdout)).toBe('"undefined"');
    expect(existsSync(path.join(cache, 'cachehost'))).toBe(false);
    // the implicit localhost is no inventory host
    expect(message((await cacheRun(cache, ['read.yml', '--flush-cache'])).stdout)).toBe('"cached undefined cached"');
  });

  it('removes a corrupt file and stops', async () => {
    const cache = newCache();
    await cacheRun(cache, ['set.yml']);
    writeFileSync(path.join(cache, 'localhost'), '{bad');
    const run = await cacheRun(cache, ['read.yml']);
    expect(run.code).toBe(1);
    // (the warning is wrapped at 80 columns as textwrap wraps it, also after a hyphen of the path: compared
    // without whitespace)
    const bare = (text: string) => text.replace(/\s+/g, '');
    expect(bare(run.stderr)).toContain(
      bare(
        `[WARNING]: error in 'jsonfile' cache plugin while trying to read ${cache}/localhost : b'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'. Most likely a corrupt file, so erasing and failing.`,
      ),
    );
    expect(run.stderr).toContain(
      `ERROR! The cache file ${cache}/localhost was corrupt, or did not otherwise contain valid data. It has been removed, so you can re-run your command now.`,
    );
    expect(existsSync(path.join(cache, 'localhost'))).toBe(false);
  });

  it('gathering: smart gathers once, then reads the facts from the cache', async () => {
    const cache = newCache();
    const first = await cacheRun(cache, ['smart.yml'], { ANSIBLE_GATHERING: 'smart' });
    expect(first.stdout).toContain('TASK [Gathering Facts]');
    expect(JSON.parse(readFileSync(path.join(cache, 'localhost'), 'utf8'))._ansible_facts_gathered).toBe(true);
    const second = await cacheRun(cache, ['smart.yml'], { ANSIBLE_GATHERING: 'smart' });
    expect(second.stdout).not.toContain('TASK [Gathering Facts]');
    expect(message(second.stdout)).toBe('true');
  });

  it('without a connection, or with a plugin it does not know, warns and keeps the facts in memory', async () => {
    const noConnection = await runCli(['read.yml'], { cwd: dir, env: { ANSIBLE_CACHE_PLUGIN: 'jsonfile' } });
    expect(noConnection.code).toBe(0);
    expect(noConnection.stderr).toContain(
      '[WARNING]: No setting was provided for required configuration plugin_type:\ncache plugin: jsonfile setting: _uri\n',
    );
    const unknown = await runCli(['read.yml'], { cwd: dir, env: { ANSIBLE_CACHE_PLUGIN: 'nosuchcache' } });
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toContain('[WARNING]: Unable to load the facts cache plugin (nosuchcache).\n');
    expect(message(unknown.stdout)).toBe('"undefined undefined undefined"');
  });
});
