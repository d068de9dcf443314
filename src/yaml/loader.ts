// YAML as Ansible's loader reads it: libyaml's scanner and parser (scanner.ts, parser.ts) and Ansible's constructor
// over PyYAML's SafeConstructor (constructor.ts, resolve.ts), so that a file loads with the values Ansible gives it,
// and a file Ansible refuses is refused with libyaml's problem at libyaml's place.
import { ParseError, type Pos } from '../errors.js';
import { decryptIfVaulted } from '../vault/index.js';
import { DocumentBuilder } from './constructor.js';
import { unacceptableCharacter } from './libyaml-words.js';

export { decodeYamlFile } from './libyaml-words.js';
import { Parser, type YamlEvent } from './parser.js';
import { YamlSyntaxError, type Mark } from './scanner.js';

export { UnsafeText, unwrapUnsafe, wrapUnsafe, posOf, setPos, valuePos } from './constructor.js';
export { plainScalarKind, resolvePlainScalar } from './resolve.js';

interface LoadedYaml {
  readonly documents: unknown[];
  readonly warnings: string[];
}

/** Load every document of a YAML file the way Ansible's loader does. */
export function loadYaml(source: string, file: string): LoadedYaml {
  // a whole file encrypted with ansible-vault is decrypted on read, with the run's secrets (DataLoader does so);
  // a text that is no file ('<from_yaml>', '<extra vars>') is YAML as it stands, as DataLoader.load takes it
  const text = file.startsWith('<') ? source : decryptIfVaulted(source, file);
  // Ansible reads a file that is JSON with json.loads: its strings are plain str, not AnsibleUnicode
  recordStrings = !/^\s*[[{]/.test(text) || !isJson(text);
  const unacceptable = unacceptableCharacter(text);
  if (unacceptable) throw yamlSyntaxError(unacceptable, { file, text });
  const builder = new DocumentBuilder(file, yamlString);
  const parser = new Parser(text);
  try {
    for (let ev = parser.next(); ev; ev = parser.next()) builder.event(ev);
  } catch (err) {
    if (err instanceof YamlSyntaxError) throw yamlSyntaxError(err.problem, { file, text, mark: err.mark });
    throw err;
  }
  return { documents: builder.documents, warnings: builder.warnings };
}

/** A file of several documents, which Ansible's loader (get_single_data) refuses at the second one's start. */
export function secondDocumentError(file: string, text: string): ParseError {
  const parser = new Parser(text);
  let starts = 0;
  let ev: YamlEvent | undefined;
  for (ev = parser.next(); ev; ev = parser.next()) if (ev.type === 'document-start' && ++starts === 2) break;
  return yamlSyntaxError('but found another document', { file, text, mark: ev?.start });
}

/** The strings YAML files gave (AnsibleUnicode in Ansible), for type_debug: a string is a primitive here, so
 * where it came from is known only by its text. A computed string equal to one of them is misnamed. */
const YAML_STRINGS = new Set<string>();
let recordStrings = true;
export const isYamlString = (s: string): boolean => YAML_STRINGS.has(s);
const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const yamlString = (s: string): string => {
  if (recordStrings && YAML_STRINGS.size < 100_000) YAML_STRINGS.add(s);
  return s;
};

/** Python's json.loads message for text that is not JSON (Ansible tries JSON before YAML). */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch {
    /* describe it as Python does for the usual case */
  }
  const i = text.search(/\S/);
  const at = i < 0 ? text.length : i;
  const before = text.slice(0, at);
  const line = before.split('\n').length,
    column = at - before.lastIndexOf('\n');
  return `Expecting value: line ${line} column ${column} (char ${at})`;
}

/** A YAML syntax error as Ansible reports it: both parsers' complaints, libyaml's problem, and where it is when
 * libyaml names one. */
function yamlSyntaxError(problem: string, at: { file: string; text: string; mark?: Mark }): ParseError {
  const pos: Pos | undefined = at.mark && { file: at.file, line: at.mark.line + 1, column: at.mark.column + 1 };
  return new ParseError(
    `We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: ${jsonError(at.text)}\n\nSyntax Error while loading YAML.\n  ${problem}`,
    { pos },
  );
}
