// -e / --extra-vars as ansible-playbook reads them (ansible.utils.vars.load_extra_vars): shared by the commands
// that take them (tsible, tsible explore, tsible test).
import * as path from 'node:path';
import { OptionsError } from '../errors.js';
import { loadYaml } from '../yaml/loader.js';
import { readYamlFile } from '../playbook/loader.js';
import { parseKv } from '../playbook/kv.js';
import { isDict } from '../python/python.js';

/** One -e value as ansible-playbook reads it: key=value pairs, a YAML/JSON document, or @file. */
export function parseExtraVars(text: string): Record<string, unknown> {
  if (text.startsWith('@')) {
    // ansible-playbook makes the file's path absolute before it reads it, and names it so
    const file = path.resolve(text.slice(1));
    const doc = readYamlFile(file).documents[0];
    if (!isDict(doc))
      throw new OptionsError(`Invalid extra vars data supplied. '@${file}' could not be made into a dictionary`);
    return doc;
  }
  if (text.startsWith('/') || text.startsWith('.'))
    throw new OptionsError(`Please prepend extra_vars filename '${text}' with '@'`);
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    // DataLoader.load names a text it parses '<string>'
    const doc = loadYaml(t, '<string>').documents[0];
    if (!isDict(doc))
      throw new OptionsError(`Invalid extra vars data supplied. '${text}' could not be made into a dictionary`);
    return doc;
  }
  // words that are no key=value stay, as parse_kv leaves them, in a _raw_params variable
  return parseKv(t, false);
}
