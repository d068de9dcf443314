// The answers of tsible's YAML loader and of Ansible's (scripts/yaml-pyyaml.py) in one form, and how two answers
// compare: shared by scripts/yaml-compare.mjs, scripts/yaml-record.mjs and test/yaml/pyyaml.test.ts. `lib` is
// tsible's loader, python and vault modules (built or from source).

/** A value tsible loaded, encoded as the Python helper encodes Python's. */
export function encoder(lib) {
  const encode = (v, seen = new Set()) => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (v === undefined) return { python: 'undefined' };
    if (v instanceof lib.UnsafeText) return { unsafe: v.value };
    if (v instanceof lib.VaultText) return { vault: v.ciphertext };
    if (v instanceof lib.PyFloat) return { float: lib.floatRepr(v.value) };
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { float: 'nan' };
      return Number.isInteger(v) ? { int: String(v) } : { float: lib.floatRepr(v) };
    }
    if (typeof v === 'bigint') return { int: String(v) };
    if (seen.has(v)) return { cycle: true };
    const inner = new Set(seen).add(v);
    if (v instanceof lib.PyTuple) return { tuple: [...v].map((x) => encode(x, inner)) };
    if (Array.isArray(v)) return v.map((x) => encode(x, inner));
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
      return { map: Object.entries(v).map(([k, x]) => [k, encode(x, inner)]) };
    return lib.encodeOther?.(v) ?? { python: v.constructor?.name ?? typeof v };
  };
  return encode;
}

/** Python's mapping keys as tsible names them: a JavaScript object's keys are strings. */
function keyText(k) {
  if (k === null) return 'None';
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return String(k);
  if (k.int !== undefined) return k.int;
  if (k.float !== undefined) return k.float;
  if (k.timestamp !== undefined) return k.timestamp;
  if (k.unsafe !== undefined) return k.unsafe;
  return JSON.stringify(k);
}

/** Python's values as tsible can give them: mapping keys as text, and (with `timestamps`) a date or datetime as
 * the text Python's str() gives it, which is how tsible keeps a timestamp. */
function normalizePython(v, timestamps) {
  if (Array.isArray(v)) return v.map((x) => normalizePython(x, timestamps));
  if (v && typeof v === 'object' && v.map)
    return { map: v.map.map(([k, x]) => [keyText(k), normalizePython(x, timestamps)]) };
  if (v && typeof v === 'object' && v.tuple) return { tuple: normalizePython(v.tuple, timestamps) };
  if (timestamps && v && typeof v === 'object' && v.timestamp !== undefined) return v.timestamp;
  return v;
}

/** tsible's answer for a text: its documents encoded, or its refusal's problem and place. */
export function loadWithTsible(lib, encode, text, file) {
  try {
    const { documents } = lib.loadYaml(text, `<${file}>`);
    return { documents: documents.map((d) => encode(d)) };
  } catch (err) {
    const m = /Syntax Error while loading YAML\.\n {2}([\s\S]*)$/.exec(err.message);
    const problem = (m ? m[1] : err.message).split('\n')[0];
    return { error: problem, line: err.pos?.line, column: err.pos?.column };
  }
}

/** One file's verdict: 'identical' or how the two answers differ. */
export function verdict(py, ts) {
  if (py.error && ts.error) {
    const same = py.error === ts.error && py.line === ts.line && py.column === ts.column;
    return same ? 'identical' : py.error === ts.error ? 'both refuse, other place' : 'both refuse, other problem';
  }
  if (py.error) return 'tsible accepts what Ansible refuses';
  if (ts.error) return 'tsible refuses what Ansible accepts';
  const ours = JSON.stringify(ts.documents);
  if (JSON.stringify(normalizePython(py.documents, false)) === ours) return 'identical';
  if (JSON.stringify(normalizePython(py.documents, true)) === ours) return 'same, with a timestamp as its text';
  return 'other value';
}
