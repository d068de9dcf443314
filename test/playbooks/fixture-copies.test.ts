// playbooks/ holds the fixture's task files byte for byte.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const copyDir = path.join(ROOT, 'playbooks/aws_ses_rule_set');
const shared = path.join(ROOT, '../shared/fixtures/aws_ses_rule_set');

describe('fixture copies', () => {
  it('obtain-lock.yaml is the fixture, unchanged', () => {
    expect(sha(path.join(copyDir, 'tasks/obtain-lock.yaml'))).toBe(
      'b25e6c4e43d3859f79d5451d7c4a09e483a498eace89bd4eda814f1e158f43a4',
    );
  });
  it.skipIf(!existsSync(shared))('every copied file matches ../shared/fixtures', () => {
    for (const sub of ['tasks', 'defaults'])
      for (const f of readdirSync(path.join(shared, sub)))
        expect(sha(path.join(copyDir, sub, f)), `${sub}/${f}`).toBe(sha(path.join(shared, sub, f)));
  });
});
