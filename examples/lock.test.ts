// A vitest file porting the aws_ses_rule_set lock to Node: each task file of the target is a test().
// Run it from a clone with: npx vitest run --dir examples
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runPlaybook, startEndpoint, type LocalEndpoint } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let endpoint: LocalEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

test('obtain-lock.yaml takes the lock when nobody holds it', async () => {
  const run = await runPlaybook(path.join(here, '../playbooks/aws_ses_rule_set/tasks/obtain-lock.yaml'), {
    awsEndpoint: endpoint.url,
    extraVars: {
      resource_prefix: 'vitest',
      aws_access_key: '',
      aws_secret_key: '',
      security_token: '',
      aws_region: 'us-east-1',
      lock_log_group_prefix: 'locks/example',
      lock_timeout_seconds: 900,
    },
  });
  expect(run.ok).toBe(true);
  expect(run.hostvars.localhost!.won_lock).toBe(true);
  expect(endpoint.service.model.list('locks/example/').map((g) => g.logGroupName)).toEqual(['locks/example/vitest']);
});

test('cleanup-lock.yaml releases it', async () => {
  const run = await runPlaybook(path.join(here, '../playbooks/aws_ses_rule_set/tasks/cleanup-lock.yaml'), {
    awsEndpoint: endpoint.url,
    extraVars: {
      lock_attempt_log_group_name: 'locks/example/vitest',
      aws_access_key: '',
      aws_secret_key: '',
      security_token: '',
      aws_region: 'us-east-1',
    },
  });
  expect(run.tasks.map((t) => t.status)).toEqual(['changed']);
  expect(endpoint.service.model.list('locks/example/')).toEqual([]);
});
