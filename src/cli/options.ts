// ansible-playbook's command line, parsed without a dependency.
import { configValue } from '../config.js';
import { UsageError } from '../errors.js';
import { parseExtraVars } from '../vars/extra-vars.js';

// -e is parsed in src/vars, where `tsible explore` reads it too (the explorer sits below the CLI)
export { parseExtraVars };

export interface CliOptions {
  files: string[];
  /** -e values in order: read once the vault secrets are known, since an @file may be encrypted (as Ansible). */
  extraVarArgs: string[];
  vault: { vaultIds: string[]; vaultPasswordFiles: string[]; askVaultPass: boolean };
  inventory: string[];
  /** -l/--limit: the last one given, as argparse keeps it. */
  limit?: string;
  verbosity: number;
  check: boolean;
  diff: boolean;
  tags: string[];
  skipTags: string[];
  listTasks: boolean;
  listTags: boolean;
  listHosts: boolean;
  /** -b, --become-method, --become-user as the settings they stand for (ANSIBLE_BECOME...): tsible runs tasks as
   * the user running it, but checks the method as Ansible does. */
  becomeSettings: Record<string, string>;
  /** --force-handlers: handlers run even on hosts that failed (FORCE_HANDLERS). */
  forceHandlers: boolean;
  flushCache: boolean;
  syntaxCheck: boolean;
  startAtTask?: string;
  step: boolean;
  connection?: string;
  breakpoints: string[];
  breakWhen: string[];
  debugScript?: string;
  seed?: string;
  forks: number;
  version: boolean;
  help: boolean;
  localAws: boolean;
  /** --show-secrets: vaulted and no_log values in clear (tsible masks them otherwise). */
  showSecrets: boolean;
  jinja: '2.14' | 'native';
}

export const HELP = `usage: tsible [-h] [--version] [-v] [-i INVENTORY] [-l SUBSET] [-e EXTRA_VARS] [-C] [-D]
              [-t TAGS] [--skip-tags SKIP_TAGS] [--list-tasks] [--list-tags]
              [--list-hosts] [--syntax-check] [--start-at-task START_AT_TASK]
              [--step] [-f FORKS] [--local-aws] [--jinja {2.14,native}]
              [--vault-id VAULT_IDS] [-J | --vault-password-file VAULT_PASSWORD_FILES]
              playbook [playbook ...]
       tsible local-aws [--host 127.0.0.1] [--port 4566] [--state-file FILE] [--tls] [--tls-dir DIR]
       tsible vault {create,decrypt,edit,view,encrypt,encrypt_string,rekey} ... (tsible vault --help)
       tsible race PLAYBOOK [--processes N] [-e ...]
       tsible explore PLAYBOOK [--processes N] [options] (tsible explore --help)
       tsible test [TARGET_DIR | TARGETS_DIR | PATTERN ...] [--jobs N] [--timeout SECONDS] [--split K/N] [--local-aws]
                   [--junit FILE] [--json FILE] ... (tsible test --help)
       tsible run ...        the same as tsible ...
       tsible ansible --version

Runs Ansible playbooks and task files on the local machine, as ansible-playbook does.

positional arguments:
  playbook              Playbook(s), or bare task files (run as an implicit 'hosts: localhost' play)

options:
  -e, --extra-vars      set additional variables as key=value, YAML/JSON, or @file
  -i, --inventory       inventory host list (e.g. 'localhost,')
  -l, --limit           further limit selected hosts to an additional pattern
  -v, --verbose         more output; -vvv for indented JSON results
  -C, --check           don't make any changes; predict some of the changes
  -D, --diff            show differences where modules support it
  -t, --tags            only run plays and tasks tagged with these values
  --skip-tags           only run plays and tasks whose tags do not match these values
  --list-tasks          list all tasks that would be executed
  --list-tags           list all available tags
  --syntax-check        perform a syntax check on the playbook, but do not execute it
  --start-at-task       start the playbook at the task matching this name
  --step                one-step-at-a-time: confirm each task before running
  --flush-cache         clear the fact cache for every host in inventory
  --force-handlers      run handlers even if a task fails
  --break TASK|FILE:LINE  open the debugger before a task (by name, or by its file and line)
  --break-when EXPR     open the debugger before any task where the Jinja2 expression is true
  --debug-script FILE   read debugger commands from FILE instead of the terminal
  --vault-id VAULT_IDS  the vault identity to use (label@file, label@prompt); repeatable
  --vault-password-file, --vault-pass-file VAULT_PASSWORD_FILES
                        vault password file
  -J, --ask-vault-password, --ask-vault-pass
                        ask for vault password
  --show-secrets        show vaulted and no_log values in the output (masked otherwise; TSIBLE_SHOW_SECRETS=1 too)
  --seed SEED           seed the random filters (random, shuffle) for a reproducible run
  -f, --forks           specify number of parallel processes to use (default=5): hosts running a task at once
  -c, --connection      connection type to use for hosts that set none (tsible runs 'local' only)
  -u, --user            accepted for compatibility (tsible runs tasks as the user running it)
  -b, --become          accepted for compatibility (tsible runs tasks as the user running it)
  --become-method       the become method tasks name (an unknown one fails them, as in Ansible)
  --become-user, -K, --ask-become-pass, --become-password-file
                        accepted for compatibility (tsible asks for no password)
  --local-aws           serve CloudWatch Logs on loopback and point AWS modules at it
  --jinja               templating result pipeline: 2.14 (default) or native (2.19)
  --version             show program's version number and exit
  -h, --help            show this help message and exit
`;

export const RACE_HELP = `usage: tsible race [-h] PLAYBOOK [--processes N] [--throttle-rate RATE] [-e EXTRA_VARS] [OPTION ...]

Starts one local CloudWatch Logs endpoint and N tsible processes running the same playbook against it, each with
its own resource_prefix, their output interleaved line by line, then says who held the lock and what it cost.

options:
  -n, --processes N     how many processes race (1 to 50, default 3)
  --throttle-rate RATE  the share of calls the endpoint throttles (0 to 1)
  -e, --extra-vars      set additional variables for every process
  OPTION                any other option is given to every process
  -h, --help            show this help message and exit
`;

export const ANSIBLE_HELP = `usage: tsible ansible [-h] [--version]

The version, after the locale check every Ansible command makes first (ansible --version in tsible test's scripts).
Ad-hoc commands are not served.

options:
  -h, --help  show this help message and exit
  --version   show program's version number and exit
`;

export const LOCAL_AWS_HELP = `usage: tsible local-aws [-h] [--host 127.0.0.1] [--port 4566] [--state-file FILE] [FAULT ...]

Serves tsible's local AWS endpoint (CloudWatch Logs) on loopback for tsible, the AWS SDKs, boto3 and the AWS CLI,
until interrupted.

options:
  --host HOST           the address to listen on (default 127.0.0.1)
  --port PORT           the port (default 4566)
  --state-file FILE     keep the endpoint's state in FILE across restarts
  --latency-ms MS, --throttle-rate RATE, --server-error-rate RATE, --listing-lag-ms MS, --clock-skew-ms MS,
  --frozen-clock-ms MS, --max-consecutive-throttles N
                        faults to start with (they can be changed while running: POST /_tsible/faults)
  -h, --help            show this help message and exit
`;

/** An option: a switch, or one that takes a value (`arg`), inline (`--flag=value`) or as the next argument. */
interface OptionSpec {
  readonly arg: boolean;
  set(o: CliOptions, value: string): void;
}

const textOption = (set: (o: CliOptions, value: string) => void): OptionSpec => ({ arg: true, set });
const switchOption = (set: (o: CliOptions) => void): OptionSpec => ({ arg: false, set });

/** A comma-separated list of tags, as -t and --skip-tags take it. */
const tagList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

// -e values are read once the vault secrets are known (an @file may be encrypted)
const extraVars = textOption((o, v) => o.extraVarArgs.push(v));
const inventory = textOption((o, v) => o.inventory.push(v));
const check = switchOption((o) => (o.check = true));
const diff = switchOption((o) => (o.diff = true));
const tags = textOption((o, v) => o.tags.push(...tagList(v)));
const forks = textOption((o, v) => (o.forks = intValue('-f/--forks', v)));
/** argparse's type=int: a decimal integer, or its error. */
function intValue(option: string, value: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(value)) throw new UsageError(`argument ${option}: invalid int value: '${value}'`);
  return Number(value);
}
const connection = textOption((o, v) => (o.connection = v));
const help = switchOption((o) => (o.help = true));
const limit = textOption((o, v) => (o.limit = v));
const vaultPasswordFile = textOption((o, v) => o.vault.vaultPasswordFiles.push(v));
const askVaultPass = switchOption((o) => (o.vault.askVaultPass = true));
const become = switchOption((o) => (o.becomeSettings.ANSIBLE_BECOME = 'True'));
const ignoredValue = textOption(() => {});
const ignoredSwitch = switchOption(() => {});

// A Map, so that a playbook named like an Object method is still a playbook
const OPTIONS = new Map<string, OptionSpec>([
  ['-e', extraVars],
  ['--extra-vars', extraVars],
  ['--vault-id', textOption((o, v) => o.vault.vaultIds.push(v))],
  ['--vault-password-file', vaultPasswordFile],
  ['--vault-pass-file', vaultPasswordFile],
  ['-J', askVaultPass],
  ['--ask-vault-password', askVaultPass],
  ['--ask-vault-pass', askVaultPass],
  ['-i', inventory],
  ['--inventory', inventory],
  ['--inventory-file', inventory],
  ['-l', limit],
  ['--limit', limit],
  ['--verbose', switchOption((o) => o.verbosity++)],
  ['-C', check],
  ['--check', check],
  ['-D', diff],
  ['--diff', diff],
  ['-t', tags],
  ['--tags', tags],
  ['--skip-tags', textOption((o, v) => o.skipTags.push(...tagList(v)))],
  ['--list-tasks', switchOption((o) => (o.listTasks = true))],
  ['--list-tags', switchOption((o) => (o.listTags = true))],
  ['--list-hosts', switchOption((o) => (o.listHosts = true))],
  ['--force-handlers', switchOption((o) => (o.forceHandlers = true))],
  ['--syntax-check', switchOption((o) => (o.syntaxCheck = true))],
  ['--start-at-task', textOption((o, v) => (o.startAtTask = v))],
  ['--step', switchOption((o) => (o.step = true))],
  ['--break', textOption((o, v) => o.breakpoints.push(v))],
  ['--break-when', textOption((o, v) => o.breakWhen.push(v))],
  ['--debug-script', textOption((o, v) => (o.debugScript = v))],
  ['--seed', textOption((o, v) => (o.seed = v))],
  ['-f', forks],
  ['--forks', forks],
  ['-c', connection],
  ['--connection', connection],
  ['--version', switchOption((o) => (o.version = true))],
  // accepted as ansible-playbook takes them; tsible has no module path, runs no connection with a timeout, and runs
  // tasks as the user who runs it (-u is the connection's remote_user, not a variable)
  ['-M', textOption(() => {})],
  ['-u', textOption(() => {})],
  ['--user', textOption(() => {})],
  ['--module-path', textOption(() => {})],
  ['-T', textOption((_o, v) => intValue('-T/--timeout', v))],
  ['--timeout', textOption((_o, v) => intValue('-T/--timeout', v))],
  ['--flush-cache', switchOption((o) => (o.flushCache = true))],
  ['-b', become],
  ['--become', become],
  ['--become-method', textOption((o, v) => (o.becomeSettings.ANSIBLE_BECOME_METHOD = v))],
  ['--become-user', textOption((o, v) => (o.becomeSettings.ANSIBLE_BECOME_USER = v))],
  ['-K', ignoredSwitch],
  ['--ask-become-pass', ignoredSwitch],
  ['--become-password-file', ignoredValue],
  ['--become-pass-file', ignoredValue],
  ['-h', help],
  ['--help', help],
  ['--local-aws', switchOption((o) => (o.localAws = true))],
  ['--show-secrets', switchOption((o) => (o.showSecrets = true))],
  [
    '--jinja',
    textOption((o, v) => {
      if (v !== '2.14' && v !== 'native')
        throw new UsageError(`argument --jinja: invalid choice: '${v}' (choose from '2.14', 'native')`);
      o.jinja = v;
    }),
  ],
]);

/** True for an option that takes a value (`tsible race` hands such options on with theirs). */
export const takesValue = (flag: string): boolean => OPTIONS.get(flag)?.arg === true;
/** The spellings of each option, as argparse names an option in its errors (`-e/--extra-vars`). */
const SPELLINGS = [
  ['-e', '--extra-vars'],
  ['-i', '--inventory', '--inventory-file'],
  ['-l', '--limit'],
  ['-t', '--tags'],
  ['-f', '--forks'],
  ['-c', '--connection'],
  ['-M', '--module-path'],
  ['-T', '--timeout'],
  ['-u', '--user'],
  ['--vault-password-file', '--vault-pass-file'],
];
const argparseName = (flag: string): string => (SPELLINGS.find((s) => s.includes(flag)) ?? [flag]).join('/');

/** The options before the command line sets any. */
function defaultOptions(): CliOptions {
  return {
    files: [],
    extraVarArgs: [],
    vault: { vaultIds: [], vaultPasswordFiles: [], askVaultPass: false },
    inventory: [],
    verbosity: 0,
    check: false,
    diff: false,
    tags: [],
    skipTags: [],
    listTasks: false,
    listTags: false,
    listHosts: false,
    becomeSettings: {},
    forceHandlers: false,
    flushCache: false,
    syntaxCheck: false,
    step: false,
    breakpoints: [],
    breakWhen: [],
    forks: defaultForks(),
    version: false,
    help: false,
    localAws: false,
    showSecrets: false,
    jinja: configValue('DEFAULT_JINJA2_NATIVE') === true ? 'native' : '2.14',
  };
}

/** DEFAULT_FORKS (ANSIBLE_FORKS), 5 unless set. */
function defaultForks(): number {
  const forks = configValue('DEFAULT_FORKS');
  return typeof forks === 'number' ? forks : 5;
}

export function parseArgs(argv: string[]): CliOptions {
  const o = defaultOptions();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (flag === '--verbose' && inline !== undefined)
      throw new UsageError(`argument -v/--verbose: ignored explicit argument '${inline}'`);
    if (/^-v+$/.test(flag)) {
      o.verbosity += flag.length - 1;
      continue;
    }
    const spec = OPTIONS.get(flag);
    if (!spec) {
      if (a.startsWith('-') && a !== '-') throw new UsageError(`unrecognized arguments: ${a}`);
      o.files.push(a);
      continue;
    }
    // a switch ignores an inline value: --check=x is --check
    const value = spec.arg ? (inline ?? argv[++i]) : '';
    if (value === undefined) throw new UsageError(`argument ${argparseName(flag)}: expected one argument`);
    spec.set(o, value);
  }
  if (o.forks < 1) throw new UsageError('The number of processes (--forks) must be >= 1');
  return o;
}
