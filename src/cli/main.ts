// The only place that prints errors and sets exit codes. Commands load lazily so --version stays fast.
import {
  ExitCode,
  InterruptedError,
  OptionsError,
  StartupError,
  TsibleError,
  UnexpectedError,
  UsageError,
} from '../errors.js';
import { ANSIBLE_HELP, HELP, LOCAL_AWS_HELP, RACE_HELP, parseArgs } from './options.js';
import { formatError } from '../output/errors.js';
import { scrub } from '../vault/secret-text.js';

const VERSION = '0.1.0';
const versionText = () => `tsible ${VERSION} (ansible-core 2.14 compatible)\n  node version = ${process.version}\n`;
/** Commands other than running playbooks; their option errors follow their usage line. */
const SUBCOMMANDS = ['local-aws', 'race', 'explore', 'test'];

const DEFAULT_IO = {
  out: (s: string) => {
    process.stdout.write(s);
  },
  err: (s: string) => {
    process.stderr.write(s);
  },
};

type Io = typeof DEFAULT_IO;

/** What a command prints, the run's secrets masked in it as a last line of defence (src/vault/secret-text.ts);
 * `tsible vault` prints plaintext because it is asked to. */
const scrubbed = (io: Io): Io => ({
  out: (s) => io.out(scrub(s)),
  err: (s) => io.err(scrub(s)),
});
const SCRUBBED_DEFAULT = scrubbed(DEFAULT_IO);

/** tsible's commands after the default one (playbooks): how each runs, and its --help when its parser has none. */
export const COMMANDS: Record<string, { run(argv: string[], io: Io): Promise<number>; help?: string }> = {
  run: { run: (argv, io) => runCommand(argv, io), help: HELP },
  test: { run: async (argv, io) => (await import('./test.js')).testTargets(argv, io) },
  race: { run: async (argv, io) => (await import('./race.js')).race(argv, io), help: RACE_HELP },
  explore: {
    run: async (argv, io) =>
      (await import('../explorer/explore.js')).explore(
        argv,
        { isTTY: io === DEFAULT_IO || io === SCRUBBED_DEFAULT ? Boolean(process.stdout.isTTY) : false, ...io },
        (await import('../testing/target.js')).exploredTarget,
      ),
  },
  'local-aws': { run: async (argv, io) => (await import('./local-aws.js')).localAws(argv, io), help: LOCAL_AWS_HELP },
  vault: { run: async (argv, io) => (await import('./vault.js')).vault(argv, io) },
  ansible: {
    run: async (argv, io) => (await import('./preflight.js')).ansibleCommand(argv, io, versionText()),
    help: ANSIBLE_HELP,
  },
};

/** The default command: run playbooks, as ansible-playbook. */
async function runCommand(argv: string[], io: Io): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.help) {
    io.out(HELP);
    return ExitCode.Ok;
  }
  if (opts.version) {
    io.out(versionText());
    return ExitCode.Ok;
  }
  if (!opts.files.length) throw new UsageError('the following arguments are required: playbook');
  return await (await import('./run.js')).runPlaybooks(opts, io);
}

export async function main(argv: string[], terminal = DEFAULT_IO): Promise<number> {
  const io = argv[0] === 'vault' ? terminal : terminal === DEFAULT_IO ? SCRUBBED_DEFAULT : scrubbed(terminal);
  try {
    const command = Object.hasOwn(COMMANDS, argv[0] ?? '') ? COMMANDS[argv[0]!]! : undefined;
    if (!command) return await runCommand(argv, io);
    if (command.help && argv.slice(1).some((a) => a === '-h' || a === '--help')) {
      io.out(command.help);
      return ExitCode.Ok;
    }
    return await command.run(argv.slice(1), io);
  } catch (e) {
    if (e instanceof InterruptedError) {
      io.err(` [ERROR]: ${e.message}\n`);
      return ExitCode.Interrupted;
    }
    if (e instanceof StartupError) {
      io.err(`ERROR: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof OptionsError && argv[0] === 'vault') {
      // ansible-vault words its option errors as its other errors, after its usage
      io.out('usage: tsible vault [-h] {create,decrypt,edit,view,encrypt,encrypt_string,rekey} ...\n');
      io.err(`ERROR! ${e.message}\n`);
      return ExitCode.OptionsError;
    }
    if (e instanceof UsageError || (e instanceof OptionsError && SUBCOMMANDS.includes(argv[0]!))) {
      io.err(`${HELP.split('\n')[0]}\ntsible: error: ${e.message}\n`);
      return e.exitCode;
    }
    // what ansible-playbook finds wrong in an option's value once parsed (AnsibleOptionsError)
    if (e instanceof OptionsError) {
      io.err(`ERROR! ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof TsibleError) {
      const text = formatError(e);
      io.err(text.endsWith('\n') ? text : text + '\n');
      if (e instanceof UnexpectedError) io.out('to see the full traceback, use -vvv\n');
      return e.exitCode;
    }
    io.err(`ERROR! Unexpected Exception, this is probably a bug: ${(e as Error)?.message ?? String(e)}\n`);
    io.out('to see the full traceback, use -vvv\n');
    if (process.env.TSIBLE_DEBUG) io.err(String((e as Error)?.stack) + '\n');
    return ExitCode.Unexpected;
  }
}
