// The fault registry is the one list of faults: the option parser, the help and the schedule codec know exactly its
// faults, no more, no fewer. And the lock observer reads the variable names it is given.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULTS, faultEntry } from '../../src/explorer/faults.js';
import { EXPLORE_HELP, FAULT_FLAGS, parseExploreArgs, type ExploreCommand } from '../../src/explorer/command-line.js';
import { decodeSchedule, encodeSchedule } from '../../src/explorer/schedule-codec.js';
import { exploreSchedules } from '../../src/explorer/search.js';
import { formatTrace } from '../../src/explorer/trace-format.js';
import { loadPlaybook } from '../../src/playbook/loader.js';
import { ROOT } from '../helpers.js';

const parse = (args: string[]) => parseExploreArgs(['lock.yml', ...args]) as ExploreCommand;
const registryFlags = FAULTS.flatMap((f) => f.flags);

describe('the fault registry', () => {
  it('the option parser knows exactly its flags, and each sets its setting', () => {
    expect([...FAULT_FLAGS].sort()).toEqual(registryFlags.map((f) => f.flag).sort());
    expect(registryFlags.map((f) => f.flag).sort()).toEqual([
      '--clock-skew-ms',
      '--clock-ties',
      '--crash',
      '--inject-errors',
      '--listing-lag-ms',
      '--lost-replies',
      '--pause-after-win',
      '--pause-anywhere',
      '--pauses',
      '--shared-id',
    ]);
    for (const { flag, setting, arg } of registryFlags)
      expect(parse(arg ? [flag, '7'] : [flag]).faults[setting]).toBe(arg ? 7 : true);
    // what an entry's flag sets besides its own setting
    expect(parse(['--pause-anywhere', '5']).faults).toEqual({ maxPauseSeconds: 5, pauses: 1 });
    expect(parse(['--pauses', '3', '--pause-anywhere', '5']).faults).toEqual({ maxPauseSeconds: 5, pauses: 3 });
    expect(() => parse(['--partition', '1'])).toThrow('unrecognized arguments: --partition');
    expect(() => parse(['--crash', 'x'])).toThrow("argument --crash: invalid int value: 'x'");
  });

  it('the help lists exactly its faults: those over the whole schedule, then those at interleaving points', () => {
    const section = EXPLORE_HELP.slice(
      EXPLORE_HELP.indexOf('faults (off by default):\n') + 'faults (off by default):\n'.length,
      EXPLORE_HELP.indexOf('counterexamples:'),
    );
    const lines = section.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const listed = lines.map((l) => l.trim().replace(/,$/, '').split(', '));
    expect(listed).toEqual([
      FAULTS.filter((f) => !f.point).map((f) => f.usage),
      FAULTS.filter((f) => f.point).map((f) => f.usage),
    ]);
    expect(section.match(/--[a-z-]+/g)!.sort()).toEqual(registryFlags.map((f) => f.flag).sort());
  });

  it('the schedule codec reads and writes exactly the letters its faults draw', () => {
    const draws = FAULTS.flatMap((entry) =>
      entry.point
        ? [0, 0.34, 0.67, 0.99].map((r) => ({ entry, fault: entry.point!.draw(() => r, { maxPauseSeconds: 2 }) }))
        : [],
    );
    const drawn = [...new Set(draws.map((d) => d.fault))];
    expect(drawn).toEqual(['c', 'l', 't', 'a', 'u', 'p1', 'p681', 'p1341', 'p1981']);
    for (const { entry, fault } of draws) expect(faultEntry(fault)).toBe(entry);
    for (const fault of drawn) {
      const text = encodeSchedule(5, [0, 1, 0], new Map([[2, fault]]));
      expect(text).toBe(`5:1x1.2x1.1x1:2${fault}`);
      expect(decodeSchedule(text).faults).toEqual(new Map([[2, fault]]));
    }
    const letters = new Set(drawn.map((f) => f[0]));
    for (const ch of 'abcdefghijklmnopqrstuvwxyz') {
      const accepted = [`1:1x2:0${ch}`, `1:1x2:0${ch}100`].some((t) => {
        try {
          return decodeSchedule(t).faults.size === 1;
        } catch {
          return false;
        }
      });
      expect([ch, accepted]).toEqual([ch, letters.has(ch)]);
    }
  });
});

describe('the lock observer', () => {
  it("reads the variable names it is given: a lock whose variables are not the fixture's", async () => {
    const racy = readFileSync(path.join(ROOT, 'test/explorer/racy-lock.yml'), 'utf8')
      .replaceAll('lock_attempt_log_group_name', 'mutex_group')
      .replaceAll('won_lock', 'have_mutex');
    const dir = mkdtempSync(path.join(tmpdir(), 'tsible-observer-'));
    writeFileSync(path.join(dir, 'mutex.yml'), racy);
    const o = { playbook: loadPlaybook(path.join(dir, 'mutex.yml')), processes: 2, schedules: 200, seed: 1 };
    // with the default names it sees no lock at all
    expect((await exploreSchedules(o)).found).toBeUndefined();
    const { found } = await exploreSchedules({ ...o, lockVariables: { won: 'have_mutex', attempt: 'mutex_group' } });
    expect(found?.violation?.message).toBe('processes p1 and p2 hold the lock at the same time');
    expect(
      formatTrace(found!.trace, found!.violation!.step).match(/have_mutex is true: holds locks\/racy/g),
    ).toHaveLength(2);
  });
});
