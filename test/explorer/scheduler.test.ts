// The scheduler alone, without playbooks: processes stop at points, the chooser decides who moves once every live
// process waits, and the virtual clock jumps when everyone sleeps.
import { describe, expect, it } from 'vitest';
import { Scheduler, SIM_EPOCH, type Chooser } from '../../src/explorer/scheduler.js';

/** Runs `steps` for each process through a scheduler; each step is a point (`aws`) or a sleep of so many ms. */
async function race(steps: Array<Array<'aws' | number>>, choose: Chooser) {
  const decisions: Array<{ runnable: readonly number[]; chosen: number; at: number }> = [];
  const s: Scheduler = new Scheduler(steps.length, choose, {
    finished: () => false,
    decided: (_decision, runnable, i) => {
      decisions.push({ runnable, chosen: i, at: s.now - SIM_EPOCH });
      s.resume(i);
    },
  });
  await Promise.all(
    steps.map(async (mine, i) => {
      for (const [k, step] of mine.entries())
        await (step === 'aws' ? s.point(i, 'aws', `call ${k}`) : s.sleep(i, step, `sleep ${step} ms`));
      s.procs[i]!.done = true;
      s.kick();
    }),
  );
  return { decisions, trace: s.trace.steps.map((t) => `p${t.process + 1} +${t.at} ${t.label}`) };
}

describe('the scheduler', () => {
  it('decides only once every live process waits, in the order the chooser gives', async () => {
    const last: Chooser = (runnable) => runnable[runnable.length - 1]!;
    const { decisions, trace } = await race([['aws', 'aws'], ['aws']], last);
    expect(decisions.map((d) => [d.runnable, d.chosen])).toEqual([
      [[0, 1], 1],
      [[0], 0],
      [[0], 0],
    ]);
    expect(trace).toEqual(['p2 +0 call 0', 'p1 +0 call 0', 'p1 +0 call 1']);
  });

  it('jumps the virtual clock to the earliest wake-up when everyone sleeps', async () => {
    const first: Chooser = (runnable) => runnable[0]!;
    const { decisions, trace } = await race(
      [
        [900_000, 'aws'],
        [30_000, 'aws'],
      ],
      first,
    );
    expect(decisions.map((d) => [d.at, d.chosen])).toEqual([
      [30_000, 1],
      [30_000, 1],
      [900_000, 0],
      [900_000, 0],
    ]);
    expect(trace).toEqual([
      'p2 +30000 sleep 30000 ms',
      'p2 +30000 call 1',
      'p1 +900000 sleep 900000 ms',
      'p1 +900000 call 1',
    ]);
  });
});
