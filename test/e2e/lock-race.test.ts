// obtain-lock.yaml unchanged, raced by 5 real tsible processes against one local endpoint: every process
// gets the lock, no two critical sections overlap, and no lock log group is left behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEndpoint } from '../../src/endpoint/server.js';
import { BIN, ROOT } from '../helpers.js';

function runProcess(name: string, url: string, log: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        path.join(ROOT, 'playbooks/lock-demo.yml'),
        '-e',
        `resource_prefix=${name}`,
        '-e',
        `critical_section_log=${log}`,
        '-e',
        '{"obtain_lock_delay_seconds": 0, "max_obtain_lock_attempts": 60, "critical_section_seconds": 0}',
      ],
      {
        env: {
          ...process.env,
          AWS_URL: url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'k',
          AWS_SECRET_ACCESS_KEY: 's',
          NO_COLOR: '1',
        },
      },
    );
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
    });
    child.stderr.on('data', (b) => {
      out += b;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

function checkNoOverlap(log: string, processes: string[]): void {
  const events = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const [kind, who, ns] = l.split(' ');
      return { kind, who, t: BigInt(ns!) };
    });
  events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  let holder: string | undefined;
  for (const e of events) {
    if (e.kind === 'enter') {
      expect(holder, `${e.who} entered while ${holder} held the lock`).toBeUndefined();
      holder = e.who;
    } else {
      expect(holder).toBe(e.who);
      holder = undefined;
    }
  }
  expect(new Set(events.filter((e) => e.kind === 'enter').map((e) => e.who))).toEqual(new Set(processes));
}

describe('the aws_ses_rule_set lock with real processes', () => {
  for (const throttleRate of [0, 0.3]) {
    it(`5 processes each hold the lock once, never two at a time (throttling ${throttleRate * 100}%)`, async () => {
      // at most 3 throttles in a row per request, so the SDK's 5 attempts always get through: the outcome
      // is deterministic while 30 % of all calls are still refused
      const ep = await startEndpoint({ faults: { throttleRate, maxConsecutiveThrottles: 3 } });
      const dir = mkdtempSync(path.join(tmpdir(), 'tsible-lock-'));
      const log = path.join(dir, 'critical.log');
      const names = ['p1', 'p2', 'p3', 'p4', 'p5'];
      try {
        const results = await Promise.all(names.map((n) => runProcess(n, ep.url, log)));
        for (const [i, r] of results.entries()) expect(r.code, `${names[i]} output:\n${r.out.slice(-3000)}`).toBe(0);
        checkNoOverlap(log, names);
        expect(ep.service.model.list('ansible-testing-locks/')).toEqual([]);
        if (throttleRate > 0) expect(ep.calls.some((c) => c.error === 'ThrottlingException')).toBe(true);
      } finally {
        await ep.close();
      }
    }, 240_000);
  }
});
