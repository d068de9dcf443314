// aws_ses_rule_set against community.aws 5.5.0's ses_rule_set: for every case of test/golden/aws/ses-cases.json,
// the API calls tsible makes, the result and the exit code, compared with what real ansible-playbook (boto3) did
// on the same endpoint state (recorded by regenerate.mjs).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'vitest';
import { startEndpoint } from '../../src/endpoint/server.js';
import { expectLikeGolden, goldenSuite, runGoldenCase, setUpCase } from './aws-goldens.js';

const { cases, golden } = goldenSuite('ses-cases');
const work = mkdtempSync(path.join(tmpdir(), 'tsible-ses-'));

describe('aws_ses_rule_set against community.aws 5.5.0', () => {
  for (const c of cases)
    it(c.id, async () => {
      const ep = await startEndpoint();
      try {
        setUpCase(ep, 'ses', c);
        expectLikeGolden(await runGoldenCase(c, ep, work), golden.get(c.id));
      } finally {
        await ep.close();
      }
    });
});
