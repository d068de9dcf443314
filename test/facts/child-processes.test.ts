// The setup module's child processes (the Python that describes itself, lsb_release, capsh) start only when
// the filter keeps a fact they give; the facts are the same either way.
import { describe, expect, it, vi } from 'vitest';

const started: string[] = [];
vi.mock('node:child_process', async (original) => {
  const real = await original<typeof import('node:child_process')>();
  return {
    ...real,
    execFile: (file: string, ...rest: unknown[]) => {
      started.push(file);
      return (real.execFile as (...a: unknown[]) => unknown)(file, ...rest);
    },
  };
});
const { gatherFacts } = await import('../../src/facts.js');

const gather = (filter: string[]) =>
  gatherFacts({ gatherSubset: ['all'], filter, factPath: '/nonexistent/facts.d', env: process.env });

describe('fact gathering starts child processes only for facts the filter keeps', () => {
  it('starts none for facts read from files, and gives the same facts as a full gathering', async () => {
    const { facts } = await gather(['ansible_distribution*', 'kernel', 'ansible_user_id']);
    expect(started).toEqual([]);
    const full = (await gather([])).facts;
    expect(started.length).toBeGreaterThan(0);
    const kept = Object.fromEntries(
      Object.entries(full).filter(([k]) => /^ansible_(distribution|kernel$|user_id$)/.test(k)),
    );
    expect(facts).toEqual(kept);
  });

  it('still gives the facts of the Python when the filter keeps them', async () => {
    const { facts } = await gather(['ansible_python_version', 'selinux']);
    expect(facts).toHaveProperty('ansible_selinux');
    for (const k of Object.keys(facts))
      expect(['ansible_python_version', 'ansible_selinux', 'ansible_selinux_python_present']).toContain(k);
  });
});
