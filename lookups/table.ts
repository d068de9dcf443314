// The index of lookup plugins, by short name: what lookup(), query() and with_<name> find.
import { FILE_LOOKUPS } from './files.js';
import { VARS_LOOKUPS } from './vars.js';
import { LIST_LOOKUPS } from './lists.js';
import { SEQUENCE_LOOKUPS } from './sequence.js';
import { SUBELEMENTS_LOOKUPS } from './subelements.js';
import { PASSWORD_LOOKUPS } from './password.js';
import { DATA_LOOKUPS } from './data.js';
import { URL_LOOKUPS } from './url.js';
import type { LookupPlugin, LookupTable } from './plugin.js';

export const LOOKUPS: LookupTable = {
  ...FILE_LOOKUPS,
  ...VARS_LOOKUPS,
  ...LIST_LOOKUPS,
  ...SEQUENCE_LOOKUPS,
  ...SUBELEMENTS_LOOKUPS,
  ...PASSWORD_LOOKUPS,
  ...DATA_LOOKUPS,
  ...URL_LOOKUPS,
};

/**
 * A plugin by the name a template or a with_ keyword gives: its short name, its FQCN, or ansible.builtin's name
 * for it (ansible-core 2.14 redirects ansible.builtin.flattened to community.general.flattened).
 */
export function findLookup(name: string): LookupPlugin | undefined {
  const dot = name.lastIndexOf('.');
  const short = name.slice(dot + 1);
  const plugin = Object.hasOwn(LOOKUPS, short) ? LOOKUPS[short] : undefined;
  if (!plugin || dot < 0) return plugin;
  const collection = name.slice(0, dot);
  return collection === 'ansible.builtin' || collection === plugin.collection ? plugin : undefined;
}

/** The short name (a plugin's own messages say with_flattened, whatever the task wrote). */
export const shortName = (name: string): string => name.slice(name.lastIndexOf('.') + 1);
