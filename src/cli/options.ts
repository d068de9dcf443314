// ansible-playbook's command line, parsed without a dependency.
import { OptionsError } from '../errors.js';
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
  jinja: '2.14' | 'native';
}

export const HELP = `usage: tsible [-h] [--version] [-v] [-i INVENTORY] [-l SUBSET] [-e EXTRA_VARS] [-C] [-D]
              [-t TAGS] [--skip-tags SKIP_TAGS] [--list-tasks] [--list-tags]
              [--list-hosts] [--syntax-check] [--start-at-task START_AT_TASK]
              [--step] [-f FORKS] [--local-aws] [--jinja {2.14,native}]
              [--vault-id VAULT_IDS] [-J | --vault-password-file VAULT_PASSWORD_FILES]
              playbook [playbook ...]
       tsible local-aws [--host 127.0.0.1] [--port 4566] [--state-file FILE]
       tsible vault {create,decrypt,edit,view,encrypt,encrypt_string,rekey} ... (tsible vault --help)
       tsible race PLAYBOOK [--processes N] [-e ...]
       tsible test TARGET_DIR... [--continue-on-error] [--retry-on-error] [-v] [--junit FILE] [--json FILE]
                   [--local-aws | --cloud-config FILE | --aws-profile NAME] [--allow-disabled|unsupported|unstable|destructive]

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
  --break TASK|FILE:LINE  open the debugger before a task (by name, or by its file and line)
  --break-when EXPR     open the debugger before any task where the Jinja2 expression is true
  --debug-script FILE   read debugger commands from FILE instead of the terminal
  --vault-id VAULT_IDS  the vault identity to use (label@file, label@prompt); repeatable
  --vault-password-file, --vault-pass-file VAULT_PASSWORD_FILES
                        vault password file
  -J, --ask-vault-password, --ask-vault-pass
                        ask for vault password
  --seed SEED           seed the random filters (random, shuffle) for a reproducible run
  -f, --forks           accepted for compatibility (tsible runs hosts in turn)
  -c, --connection      connection type to use for hosts that set none (tsible runs 'local' only)
  --local-aws           serve CloudWatch Logs on loopback and point AWS modules at it
  --jinja               templating result pipeline: 2.14 (default) or native (2.19)
  --version             show program's version number and exit
  -h, --help            show this help message and exit
`;

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
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
    syntaxCheck: false,
    step: false,
    breakpoints: [],
    breakWhen: [],
    forks: 5,
    version: false,
    help: false,
    localAws: false,
    jinja: process.env.ANSIBLE_JINJA2_NATIVE?.toLowerCase() === 'true' ? 'native' : '2.14',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new OptionsError(`argument ${flag}: expected one argument`);
      return v;
    };
    if (/^-v+$/.test(flag)) {
      o.verbosity += flag.length - 1;
      continue;
    }
    switch (flag) {
      case '-e':
      case '--extra-vars':
        o.extraVarArgs.push(value());
        break;
      case '--vault-id':
        o.vault.vaultIds.push(value());
        break;
      case '--vault-password-file':
      case '--vault-pass-file':
        o.vault.vaultPasswordFiles.push(value());
        break;
      case '-J':
      case '--ask-vault-password':
      case '--ask-vault-pass':
        o.vault.askVaultPass = true;
        break;
      case '-i':
      case '--inventory':
      case '--inventory-file':
        o.inventory.push(value());
        break;
      case '-l':
      case '--limit':
        o.limit = value();
        break;
      case '--verbose':
        o.verbosity++;
        break;
      case '-C':
      case '--check':
        o.check = true;
        break;
      case '-D':
      case '--diff':
        o.diff = true;
        break;
      case '-t':
      case '--tags':
        o.tags.push(
          ...value()
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
        break;
      case '--skip-tags':
        o.skipTags.push(
          ...value()
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        );
        break;
      case '--list-tasks':
        o.listTasks = true;
        break;
      case '--list-tags':
        o.listTags = true;
        break;
      case '--list-hosts':
        o.listHosts = true;
        break;
      case '--syntax-check':
        o.syntaxCheck = true;
        break;
      case '--start-at-task':
        o.startAtTask = value();
        break;
      case '--step':
        o.step = true;
        break;
      case '--break':
        o.breakpoints.push(value());
        break;
      case '--break-when':
        o.breakWhen.push(value());
        break;
      case '--debug-script':
        o.debugScript = value();
        break;
      case '--seed':
        o.seed = value();
        break;
      case '-f':
      case '--forks':
        o.forks = Number(value());
        break;
      case '-c':
      case '--connection':
        o.connection = value();
        break;
      case '--version':
        o.version = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      case '--local-aws':
        o.localAws = true;
        break;
      case '--jinja': {
        const v = value();
        if (v !== '2.14' && v !== 'native')
          throw new OptionsError(`argument --jinja: invalid choice: '${v}' (choose from '2.14', 'native')`);
        o.jinja = v;
        break;
      }
      default:
        if (a.startsWith('-') && a !== '-') throw new OptionsError(`unrecognized arguments: ${a}`);
        o.files.push(a);
    }
  }
  return o;
}
