// What a golden case's run needs, shared by the recorder (regenerate.mjs, real ansible-playbook) and the test
// (test/modules/aws-goldens.ts, tsible): the one-task playbook, and the environment both programs run it in.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** Writes the case's one-task playbook (registering `r`) under `work` and returns its path. */
export function writeCasePlaybook(work, c) {
  const playbook = path.join(work, `${c.id}.yml`);
  writeFileSync(
    playbook,
    JSON.stringify([
      { hosts: 'localhost', gather_facts: false, tasks: [{ name: c.id, [c.module]: c.args, register: 'r' }] },
    ]),
  );
  return playbook;
}

/** The environment of a case's run: fixed credentials and region, the json callback, no chatter, then the case's
 * own variables; `connection` says how the AWS client reaches the endpoint. */
export function caseEnvironment(c, connection) {
  return {
    ...process.env,
    ...connection,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDTSIBLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    ANSIBLE_STDOUT_CALLBACK: 'json',
    ANSIBLE_LOCALHOST_WARNING: '0',
    ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
    ANSIBLE_DEPRECATION_WARNINGS: '0',
    ...c.env,
  };
}
