// The local collector (module_utils/facts/system/local.py): every *.fact file of fact_path, run when it is
// executable, read as JSON, else as an INI file; what fails is a message in its place and a warning.
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { errnoText } from '../../modules/file_common.js';
import { listDir, runCommand, type Gathering } from './sources.js';

/** configparser's reading of an INI text: sections of options (names lower-cased), undefined when invalid. */
function parseIni(text: string): Record<string, Record<string, string>> | undefined {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  let last: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim() || /^\s*[#;]/.test(raw)) continue;
    const head = /^\[([^\]]+)\]/.exec(raw);
    if (head) {
      section = out[head[1]!] ??= {};
      last = undefined;
    } else if (/^\s/.test(raw) && section && last !== undefined) section[last] += `\n${raw.trim()}`;
    else {
      const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
      if (!section || !m) return undefined;
      last = m[1]!.trim().toLowerCase();
      section[last] = m[2]!.trim();
    }
  }
  return out;
}

async function oneFact(file: string, g: Gathering): Promise<unknown> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (e) {
    return warn(g, `Could not stat fact (${file}): ${errnoText(e, `'${file}'`)}`);
  }
  let out: string;
  if (mode & 0o100) {
    const res = await runCommand(file, [], g.env);
    if (!res) return warn(g, `Could not execute fact script (${file}): [Errno 8] Exec format error: '${file}'`);
    if (res.rc !== 0) return warn(g, `Failure executing fact script (${file}), rc: ${res.rc}, err: ${res.err}`);
    out = res.out;
  } else
    out = await readFile(file, 'utf8').then(
      (t) => t.trim(),
      () => '',
    );
  try {
    return JSON.parse(out) as unknown;
  } catch {
    return parseIni(out) ?? warn(g, `error loading facts as JSON or ini - please check content: ${file}`);
  }
}

const warn = (g: Gathering, msg: string): string => {
  g.warnings.push(msg);
  return msg;
};

/** local: the facts of fact_path's *.fact files, by their names without .fact. */
export async function localFacts(g: Gathering): Promise<Record<string, unknown>> {
  if (!g.factPath || !existsSync(g.factPath)) return { local: {} };
  const files = (await listDir(g.factPath)).filter((f) => f.endsWith('.fact')).sort();
  const values = await Promise.all(files.map((f) => oneFact(`${g.factPath}/${f}`, g)));
  return { local: Object.fromEntries(files.map((f, i) => [f.replace('.fact', ''), values[i]])) };
}
