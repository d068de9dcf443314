// tsible's setup module against what real Ansible's returned on the machine test/facts/regenerate.mjs ran on:
// for every gather_subset and filter case, the same fact names (those that depend on the machine, one per
// network interface and the ones whose source may be missing, compared where this machine has their source),
// and, on that same machine, the same values for every fact that does not change from one second to the next.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatherFacts } from '../../src/facts.js';

const recorded = JSON.parse(readFileSync(new URL('./ansible-setup.json', import.meta.url), 'utf8')) as {
  cases: { args: { gather_subset?: string[]; filter?: string | string[] }; keys: string[] }[];
  values: Record<string, unknown>;
};

const gather = (args: { gather_subset?: string[]; filter?: string | string[] }) =>
  gatherFacts({
    gatherSubset: args.gather_subset ?? ['all'],
    filter: args.filter === undefined ? [] : [args.filter].flat(),
    factPath: '/nonexistent/facts.d',
    env: process.env,
  });

/** Facts whose presence depends on the machine: its interfaces, and sources that may be absent. */
function machineFree(keys: string[], interfaces: unknown): string[] {
  const ifaces = new Set(
    (Array.isArray(interfaces) ? interfaces : []).map((i) => `ansible_${String(i).replace(/[-:.]/g, '_')}`),
  );
  return keys
    .filter(
      (k) =>
        !ifaces.has(k) &&
        !/^ansible_(system_capabilities|ssh_host_|machine_id|python|distribution_minor_version)/.test(k),
    )
    .sort();
}

describe("setup: the fact names of each gather_subset and filter are Ansible's", () => {
  for (const c of recorded.cases)
    it(JSON.stringify(c.args), async () => {
      const { facts } = await gather(c.args);
      expect(machineFree(Object.keys(facts), facts.ansible_interfaces)).toEqual(
        machineFree(c.keys, recorded.values.ansible_interfaces),
      );
    });

  it('one fact per network interface', async () => {
    const { facts } = await gather({ gather_subset: ['!all', 'network'] });
    for (const i of facts.ansible_interfaces as string[])
      expect(facts).toHaveProperty(`ansible_${i.replace(/[-:.]/g, '_')}`);
  });

  it("a bad subset is refused in the module's words", async () => {
    await expect(gather({ gather_subset: ['nope'] })).rejects.toThrow(
      /^Bad subset 'nope' given to Ansible\. gather_subset options allowed: all, all_ipv4_addresses, all_ipv6_addresses, apparmor, /,
    );
  });
});

/** Facts that change while the machine runs. */
const VOLATILE = /^ansible_(date_time|env|loadavg|memfree_mb|memory_mb|mounts|uptime_seconds)$/;
const sameMachine =
  (existsSync('/etc/machine-id') && readFileSync('/etc/machine-id', 'utf8').trim()) ===
  recorded.values.ansible_machine_id;
const unordered = (v: unknown) => (Array.isArray(v) ? [...v].map(String).sort() : v);

describe.skipIf(!sameMachine)('setup: values as Ansible gave them on this machine', () => {
  if (!sameMachine) console.log('skipped: test/facts/ansible-setup.json was recorded on another machine');
  it('every fact that does not change is identical', async () => {
    const { facts } = await gather({});
    for (const [k, v] of Object.entries(recorded.values)) {
      if (VOLATILE.test(k)) continue;
      const ours =
        k === 'ansible_interfaces' || k === 'ansible_virtualization_tech_guest' ? unordered(facts[k]) : facts[k];
      expect([k, ours]).toEqual([
        k,
        k === 'ansible_interfaces' || k === 'ansible_virtualization_tech_guest' ? unordered(v) : v,
      ]);
    }
  });
});
