// A host that would need SSH is unreachable for the tasks that need a connection, as Ansible reports it
// (ansible-playbook 2.14 on the same files: the same lines, recap and exit code 4; only its ssh message differs).
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';

const dir = path.join(ROOT, 'test/playbooks/unreachable');

describe('hosts tsible cannot reach', () => {
  it('reports UNREACHABLE, keeps running the other hosts, and exits 4', async () => {
    const run = await runCli(['-i', 'hosts.ini', 'site.yml'], { cwd: dir });
    expect(run.code).toBe(4);
    expect(run.stdout).toContain(
      'changed: [web1]\nfatal: [r1]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh: ',
    );
    expect(run.stdout).toContain('"unreachable": true}\n\nTASK [after] ****');
    expect(run.stdout).toContain(
      'r1                         : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   \nweb1                       : ok=2    changed=1    unreachable=0    failed=0',
    );
  });
});
