// `tsible ansible`: what tsible serves of the `ansible` command (its --version, for scripts that check it), after
// the locale preflight every Ansible command makes (cli/__init__.py initialize_locale): the locale the environment
// names must exist (setlocale(LC_ALL, '')) and its encoding must be UTF-8. Python coerces a C locale's LC_CTYPE to
// C.UTF-8 when LC_ALL is not set (PEP 538), also when LC_CTYPE names a locale the system lacks.
import { execFileSync } from 'node:child_process';
import { ExitCode } from '../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

const CATEGORIES = [
  'LC_CTYPE',
  'LC_NUMERIC',
  'LC_TIME',
  'LC_COLLATE',
  'LC_MONETARY',
  'LC_MESSAGES',
  'LC_PAPER',
  'LC_NAME',
  'LC_ADDRESS',
  'LC_TELEPHONE',
  'LC_MEASUREMENT',
  'LC_IDENTIFICATION',
];

/** glibc's spelling of a locale name: the codeset lowercased without punctuation (en_US.UTF-8 is en_US.utf8). */
function normalized(name: string): string {
  const m = /^([^.@]*)(?:\.([^@]*))?(@.*)?$/.exec(name)!;
  const codeset = m[2] === undefined ? '' : `.${m[2].toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  return `${m[1]}${codeset}${m[3] ?? ''}`;
}

/** The locales the system has (`locale -a`), with the ones glibc builds in. */
function installedLocales(): Set<string> {
  let listed = '';
  try {
    listed = execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    /* no locale command: only the built-in ones */
  }
  return new Set(['C', 'POSIX', 'C.utf8', ...listed.split('\n').filter(Boolean)].map(normalized));
}

/** Ansible's preflight error for this environment, or undefined when it would start. */
export function localeError(env: Env, installed: ReadonlySet<string>): string | undefined {
  const set = (name: string) => (env[name] ? env[name] : undefined);
  const lcAll = set('LC_ALL');
  const named = (category: string) => lcAll ?? set(category) ?? set('LANG') ?? 'C';
  const loadable = (name: string) => installed.has(normalized(name));
  let ctype = named('LC_CTYPE');
  if (!lcAll && (!loadable(ctype) || ctype === 'C' || ctype === 'POSIX')) ctype = 'C.UTF-8';
  const names = CATEGORIES.map((c) => (c === 'LC_CTYPE' ? ctype : named(c)));
  if (!names.every(loadable))
    return 'ERROR: Ansible could not initialize the preferred locale: unsupported locale setting';
  const codeset = /\.([^@]*)/.exec(ctype)?.[1];
  const encoding = codeset ?? (ctype === 'C' || ctype === 'POSIX' ? 'None' : 'ISO8859-1');
  if (!['utf-8', 'utf8'].includes(encoding.toLowerCase()))
    return `ERROR: Ansible requires the locale encoding to be UTF-8; Detected ${encoding}.`;
  return undefined;
}

/** The `ansible` command: the preflight, then --version; anything else is not served. */
export function ansibleCommand(
  argv: readonly string[],
  io: { out(s: string): void; err(s: string): void },
  version: string,
): number {
  const error = localeError(process.env, installedLocales());
  if (error) {
    io.err(`${error}\n`);
    return ExitCode.Error;
  }
  if (argv.includes('--version')) {
    io.out(version);
    return ExitCode.Ok;
  }
  io.err('tsible: ansible is not served by tsible beyond --version (tsible runs playbooks, not ad-hoc commands)\n');
  return ExitCode.Error;
}
