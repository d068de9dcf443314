// The Python signatures of the filters (the function Jinja2 or Ansible calls, its parameters), so that a call with
// the wrong arguments fails with Python's TypeError words ("do_default() takes from 1 to 3 positional arguments
// but 4 were given"). Generated from Jinja2 3.1 and ansible-core 2.14 by scripts/filter-signatures.py.
import { PyTypeError } from '../src/python/python.js';

/** [Python function, hidden leading parameters (environment, eval_ctx), parameter names, required count]. */
type Signature = readonly [fn: string, hidden: number, params: string, required: number];
type Keywords = Record<string, unknown> | undefined;

const SIGNATURES: Record<string, Signature> = {
  attr: ['do_attr', 1, 'environment obj name', 3],
  b64decode: ['b64decode', 0, 'string encoding', 1],
  b64encode: ['b64encode', 0, 'string encoding', 1],
  batch: ['do_batch', 0, 'value linecount fill_with', 2],
  bool: ['to_bool', 0, 'a', 1],
  capitalize: ['do_capitalize', 0, 's', 1],
  center: ['do_center', 0, 'value width', 1],
  checksum: ['secure_hash_s', 0, 'data hash_func', 1],
  d: ['do_default', 0, 'value default_value boolean', 1],
  default: ['do_default', 0, 'value default_value boolean', 1],
  dict2items: ['dict_to_list_of_dict_key_value_elements', 0, 'mydict key_name value_name', 1],
  dictsort: ['do_dictsort', 0, 'value case_sensitive by reverse', 1],
  difference: ['difference', 1, 'environment a b', 3],
  extract: ['extract', 1, 'environment item container morekeys', 3],
  fileglob: ['fileglob', 0, 'pathname', 1],
  filesizeformat: ['do_filesizeformat', 0, 'value binary', 1],
  first: ['sync_do_first', 1, 'environment seq', 2],
  flatten: ['flatten', 0, 'mylist levels skip_nulls', 1],
  float: ['do_float', 0, 'value default', 1],
  forceescape: ['do_forceescape', 0, 'value', 1],
  from_yaml: ['from_yaml', 0, 'data', 1],
  from_yaml_all: ['from_yaml_all', 0, 'data', 1],
  groupby: ['sync_do_groupby', 1, 'environment value attribute default case_sensitive', 3],
  hash: ['get_hash', 0, 'data hashtype', 1],
  human_readable: ['human_readable', 0, 'size isbits unit', 1],
  human_to_bytes: ['human_to_bytes', 0, 'size default_unit isbits', 1],
  indent: ['do_indent', 0, 's width first blank', 1],
  int: ['do_int', 0, 'value default base', 1],
  intersect: ['intersect', 1, 'environment a b', 3],
  items: ['do_items', 0, 'value', 1],
  items2dict: ['list_of_dict_key_value_elements_to_dict', 0, 'mylist key_name value_name', 1],
  join: ['sync_do_join', 1, 'eval_ctx value d attribute', 2],
  last: ['do_last', 1, 'environment seq', 2],
  list: ['sync_do_list', 0, 'value', 1],
  log: ['logarithm', 0, 'x base', 1],
  lower: ['do_lower', 0, 's', 1],
  mandatory: ['mandatory', 0, 'a msg', 1],
  max: ['do_max', 1, 'environment value case_sensitive attribute', 2],
  md5: ['md5s', 0, 'data', 1],
  min: ['do_min', 1, 'environment value case_sensitive attribute', 2],
  password_hash: ['get_encrypted_password', 0, 'password hashtype salt salt_size rounds ident', 1],
  path_join: ['path_join', 0, 'paths', 1],
  pow: ['power', 0, 'x y', 2],
  pprint: ['do_pprint', 0, 'value', 1],
  quote: ['quote', 0, 'a', 1],
  random: ['rand', 1, 'environment end start step seed', 2],
  regex_escape: ['regex_escape', 0, 'string re_type', 1],
  regex_findall: ['regex_findall', 0, 'value regex multiline ignorecase', 2],
  regex_replace: ['regex_replace', 0, 'value pattern replacement ignorecase multiline', 0],
  rekey_on_member: ['rekey_on_member', 0, 'data key duplicates', 2],
  replace: ['do_replace', 1, 'eval_ctx s old new count', 4],
  reverse: ['do_reverse', 0, 'value', 1],
  root: ['inversepower', 0, 'x base', 1],
  round: ['do_round', 0, 'value precision method', 1],
  safe: ['do_mark_safe', 0, 'value', 1],
  sha1: ['secure_hash_s', 0, 'data hash_func', 1],
  shuffle: ['randomize_list', 0, 'mylist seed', 1],
  slice: ['sync_do_slice', 0, 'value slices fill_with', 2],
  sort: ['do_sort', 1, 'environment value reverse case_sensitive attribute', 2],
  strftime: ['strftime', 0, 'string_format second utc', 1],
  striptags: ['do_striptags', 0, 'value', 1],
  subelements: ['subelements', 0, 'obj subelements skip_missing', 2],
  sum: ['sync_do_sum', 1, 'environment iterable attribute start', 2],
  symmetric_difference: ['symmetric_difference', 1, 'environment a b', 3],
  ternary: ['ternary', 0, 'value true_val false_val none_val', 3],
  title: ['do_title', 0, 's', 1],
  to_datetime: ['to_datetime', 0, 'string format', 1],
  to_uuid: ['to_uuid', 0, 'string namespace', 1],
  tojson: ['do_tojson', 1, 'eval_ctx value indent', 2],
  trim: ['do_trim', 0, 'value chars', 1],
  truncate: ['do_truncate', 1, 'env s length killwords end leeway', 2],
  union: ['union', 1, 'environment a b', 3],
  unique: ['unique', 1, 'environment a case_sensitive attribute', 2],
  unvault: ['do_unvault', 0, 'vault secret vaultid', 2],
  upper: ['do_upper', 0, 's', 1],
  urlencode: ['do_urlencode', 0, 'value', 1],
  urlize: ['do_urlize', 1, 'eval_ctx value trim_url_limit nofollow target rel extra_schemes', 2],
  urlsplit: ['split_url', 0, 'value query alias', 1],
  vault: ['do_vault', 0, 'data secret salt vaultid wrap_object', 2],
  wordcount: ['do_wordcount', 0, 's', 1],
  wordwrap: ['do_wordwrap', 1, 'environment s width break_long_words wrapstring break_on_hyphens', 2],
  xmlattr: ['do_xmlattr', 1, 'eval_ctx d autospace', 2],
};

/** Filters implemented by a Python builtin or forwarding their keywords, whose errors Python words otherwise. */
const BUILTIN_CALLS: Record<string, (count: number, keywords: string[]) => string | undefined> = {
  length: (count, keywords) => len(count, keywords),
  count: (count, keywords) => len(count, keywords),
  split: (count, keywords) =>
    count > 2
      ? `split() takes at most 2 arguments (${count} given)`
      : unexpected('split', keywords, ['sep', 'maxsplit', 'separator']),
  to_json: (count, keywords) => unexpected('JSONEncoder.__init__', keywords, JSON_ENCODER),
  to_nice_json: (count, keywords) => unexpected('JSONEncoder.__init__', keywords, JSON_ENCODER),
};
const JSON_ENCODER = ['skipkeys', 'ensure_ascii', 'check_circular', 'allow_nan', 'sort_keys', 'indent'].concat([
  'separators',
  'default',
  'preprocess_unsafe',
  'vault_to_text',
]);

function len(count: number, keywords: string[]): string | undefined {
  if (keywords.length) return 'len() takes no keyword arguments';
  return count > 0 ? `len() takes exactly one argument (${count + 1} given)` : undefined;
}

function unexpected(fn: string, keywords: string[], known: readonly string[]): string | undefined {
  const bad = keywords.find((k) => !known.includes(k));
  return bad === undefined ? undefined : `${fn}() got an unexpected keyword argument '${bad}'`;
}

/** 'a', 'a' and 'b', 'a', 'b', and 'c': how Python lists missing arguments. */
function names(list: string[]): string {
  const quoted = list.map((n) => `'${n}'`);
  if (quoted.length < 3) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

/** CPython's order: an unexpected keyword, then too many positional arguments, then missing ones. */
function pythonCallError(
  [fn, hidden, required]: readonly [string, number, number],
  params: string[],
  count: number,
  keywords: string[],
) {
  const bad = unexpected(fn, keywords, params.slice(hidden));
  if (bad) return bad;
  const given = hidden + 1 + count;
  if (given > params.length) {
    const takes = required === params.length ? `${required}` : `from ${required} to ${params.length}`;
    return `${fn}() takes ${takes} positional argument${params.length === 1 ? '' : 's'} but ${given} ${given === 1 ? 'was' : 'were'} given`;
  }
  const missing = params.slice(given, required).filter((p) => !keywords.includes(p));
  if (missing.length)
    return `${fn}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${names(missing)}`;
  return undefined;
}

/** The check of a call against a signature, its parameter names split once (filters are called per item). */
function signatureCheck([fn, hidden, paramText, required]: Signature) {
  const params = paramText.split(' ');
  const fits = (count: number) => hidden + 1 + count <= params.length && hidden + 1 + count >= required;
  return (count: number, keywords: string[]) =>
    !keywords.length && fits(count) ? undefined : pythonCallError([fn, hidden, required], params, count, keywords);
}

/** A filter's own Python signature, set on its function by withSignatures. */
interface Signed {
  pythonCall?: (count: number, keywords: string[]) => string | undefined;
}

/** Fails a filter call that its Python function would refuse, in Python's words (a TypeError). */
export function checkPythonCall(fn: unknown, count: number, keywords: Keywords): void {
  const check = (fn as Signed).pythonCall;
  if (!check) return;
  const message = check(count, keywords ? Object.keys(keywords).filter((k) => k !== '__keywords') : []);
  if (message !== undefined) throw new PyTypeError(message);
}

/** Gives each filter of a table the Python signature of the filter of its name. */
export function withSignatures<T extends Record<string, unknown>>(table: T): T {
  for (const [name, fn] of Object.entries(table)) {
    const signature = SIGNATURES[name];
    const check = BUILTIN_CALLS[name] ?? (signature && signatureCheck(signature));
    if (check && typeof fn === 'function') (fn as Signed).pythonCall ??= check;
  }
  return table;
}
