// gather_facts and setup: the local machine's facts (tsible runs on localhost only).
import { factsAsVars, gatherFacts as gather } from '../../facts.js';
import { gatherFacts } from '../../../modules/control.js';
import { fnmatchTranslate } from '../../python/fnmatch.js';
import { pyStr } from '../../python/python.js';
import { fail, type ExecutorAction } from './action.js';
import { taskEnvironment } from '../module-run.js';

/** setup's filter: fnmatch patterns for the facts' names as variables (`ansible_system`); none keeps them all. */
function filterFacts(facts: Record<string, unknown>, filter: unknown): Record<string, unknown> {
  const list = typeof filter === 'string' ? filter.split(',') : [filter ?? []].flat();
  const patterns = list
    .map((p) => pyStr(p).trim())
    .filter(Boolean)
    .map(fnmatchTranslate);
  if (!patterns.length) return facts;
  const names = Object.keys(factsAsVars(facts));
  return Object.fromEntries(Object.entries(facts).filter((_kv, i) => patterns.some((p) => p.test(names[i]!))));
}

/** The fact subsets the setup module knows (its collectors' names and aliases), sorted as its error lists them. */
const VALID_SUBSETS = [
  'all_ipv4_addresses all_ipv6_addresses apparmor architecture caps chroot cmdline date_time',
  'default_ipv4 default_ipv6 devices distribution distribution_major_version distribution_release',
  'distribution_version dns effective_group_ids effective_user_id env facter fibre_channel_wwn fips',
  'hardware interfaces is_chroot iscsi kernel kernel_version loadavg local lsb machine machine_id',
  'mounts network nvme ohai os_family pkg_mgr platform processor processor_cores processor_count',
  'python python_version real_user_id selinux service_mgr ssh_host_key_dsa_public',
  'ssh_host_key_ecdsa_public ssh_host_key_ed25519_public ssh_host_key_rsa_public ssh_host_pub_keys',
  'ssh_pub_keys system system_capabilities system_capabilities_enforced user user_dir user_gecos',
  'user_gid user_id user_shell user_uid virtual virtualization_role virtualization_tech_guest',
  'virtualization_tech_host virtualization_type',
]
  .join(' ')
  .split(' ');

/** get_collector_names: a subset asked for that no collector has fails the module (excluding one is ignored). */
function checkSubsets(given: unknown): void {
  if (given === undefined || given === null) return;
  const subsets = Array.isArray(given) ? given.map(pyStr) : pyStr(given).split(',');
  for (const s of subsets.map((x) => x.trim()))
    if (s !== 'all' && s !== 'min' && !s.startsWith('!') && !VALID_SUBSETS.includes(s))
      fail(`Bad subset '${s}' given to Ansible. gather_subset options allowed: all, ${VALID_SUBSETS.join(', ')}`);
}

export default {
  definition: gatherFacts,
  run(args, { ctx, host, task, templar }) {
    checkSubsets(args.gather_subset);
    // ansible_env is the environment the setup module ran in: the play's and the task's `environment` included
    const facts = filterFacts(gather(taskEnvironment(ctx, { task, templar })), args.filter);
    // filtered facts join those the host has; a full gathering replaces them
    ctx.vm.setGathered(host, args.filter ? { ...ctx.vm.state(host).gathered, ...facts } : facts);
    // verbose_override: even -v does not print the facts
    return {
      ansible_facts: factsAsVars(facts),
      changed: false,
      deprecations: [],
      warnings: [],
      _ansible_verbose_override: true,
    };
  },
} satisfies ExecutorAction;
