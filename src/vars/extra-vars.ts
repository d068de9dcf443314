// -e / --extra-vars as ansible-playbook reads them (ansible.utils.vars.load_extra_vars): shared by the commands
// that take them (tsible, tsible explore, tsible test).
import { readFileSync } from 'node:fs';
import { OptionsError } from '../errors.js';
import { loadYaml } from '../yaml/loader.js';
import { addSecrets, isEncrypted } from '../vault/index.js';
import { parseKv } from '../playbook/kv.js';
import { isDict } from '../python/python.js';

/** One -e value as ansible-playbook reads it: key=value pairs, a YAML/JSON document, or @file. */
export function parseExtraVars(text: string): Record<string, unknown> {
  if (text.startsWith('@')) {
    const file = text.slice(1);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      throw new OptionsError(`the file_name '${file}' does not exist, or is not readable`);
    }
    const doc = loadYaml(content, file).documents[0];
    if (!isDict(doc))
      throw new OptionsError(`Invalid extra vars data supplied. '${text}' could not be made into a dictionary`);
    if (isEncrypted(content)) addSecrets(doc);
    return doc;
  }
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    const doc = loadYaml(t, '<extra vars>').documents[0];
    if (!isDict(doc))
      throw new OptionsError(`Invalid extra vars data supplied. '${text}' could not be made into a dictionary`);
    return doc;
  }
  const kv = parseKv(t, false);
  if (kv._raw_params !== undefined)
    throw new OptionsError(`Invalid extra vars data supplied. '${text}' could not be made into a dictionary`);
  return kv;
}
