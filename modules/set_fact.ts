import { defineModule, markUnsafeFacts } from '../src/module.js';
import { unwrapUnsafe } from '../src/yaml/loader.js';
import { TsibleError } from '../src/errors.js';
import { configValue } from '../src/config.js';
import { BOOLEANS_TEXT, pyBoolean, pyRepr } from '../src/python/python.js';

/** set_fact: 2.14 turns top-level 'yes'/'no'/'true'/'false' strings (in any case) into booleans, unless
 * DEFAULT_JINJA2_NATIVE is on. */
const BOOLISH = /^(yes|no|true|false)$/i;

export default defineModule({
  names: ['set_fact', 'ansible.builtin.set_fact', 'ansible.legacy.set_fact'],
  anyArgs: true,
  supportsCheckMode: true,
  keepsUnsafe: true,
  run(args, ctx) {
    const facts: Record<string, unknown> = {};
    // a fact templated from an unsafe value stays unsafe (never templated when read); the others are templated again
    const unsafe = new Map<string, unknown>();
    const convert = configValue('DEFAULT_JINJA2_NATIVE', ctx.env) !== true;
    let cacheable = false;
    for (const [k, marked] of Object.entries(args)) {
      const { value: v, unsafe: isUnsafe } = unwrapUnsafe(marked);
      if (isUnsafe) unsafe.set(k, marked);
      if (k === 'cacheable') {
        const value = pyBoolean(v, true);
        // the action's boolean() raises: an unexpected failure of the action
        if (value === undefined) {
          const why = `The value ${pyRepr(v)} is not a valid boolean.  Valid booleans include: ${BOOLEANS_TEXT}`;
          return { failed: true, msg: `Unexpected failure during module execution: ${why}`, exception: why };
        }
        cacheable = value;
        continue;
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
        throw new TsibleError(
          `The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
        );
      facts[k] = convert && typeof v === 'string' && BOOLISH.test(v) ? /^(yes|true)$/i.test(v) : v;
    }
    if (!Object.keys(facts).length)
      return { failed: true, msg: 'No key/value pairs provided, at least one is required for this action to succeed' };
    markUnsafeFacts(facts, unsafe);
    // cacheable facts go to the host's fact cache too (ansible_facts), the others only to its variables
    return cacheable
      ? { changed: false, ansible_facts: facts, _ansible_facts_cacheable: true }
      : { changed: false, ansible_facts: facts };
  },
});
