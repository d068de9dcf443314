// The only place that prints errors and sets exit codes. Commands load lazily so --version stays fast.
import { ExitCode, InterruptedError, OptionsError, TsibleError, UsageError } from '../errors.js';
import { HELP, parseArgs } from './options.js';
import { formatError } from '../output/errors.js';

const VERSION = '0.1.0';
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

export async function main(argv: string[], io = DEFAULT_IO): Promise<number> {
  try {
    if (argv[0] === 'local-aws') return await (await import('./local-aws.js')).localAws(argv.slice(1), io);
    if (argv[0] === 'race') return await (await import('./race.js')).race(argv.slice(1), io);
    if (argv[0] === 'explore')
      return await (
        await import('../explorer/explore.js')
      ).explore(argv.slice(1), { isTTY: io === DEFAULT_IO ? Boolean(process.stdout.isTTY) : false, ...io });
    if (argv[0] === 'vault') return await (await import('./vault.js')).vault(argv.slice(1), io);
    if (argv[0] === 'test') return await (await import('./test.js')).testTargets(argv.slice(1), io);
    const opts = parseArgs(argv);
    if (opts.help) {
      io.out(HELP);
      return ExitCode.Ok;
    }
    if (opts.version) {
      io.out(`tsible ${VERSION} (ansible-core 2.14 compatible)\n  node version = ${process.version}\n`);
      return ExitCode.Ok;
    }
    if (!opts.files.length) throw new UsageError('the following arguments are required: playbook');
    return await (await import('./run.js')).runPlaybooks(opts, io);
  } catch (e) {
    if (e instanceof InterruptedError) {
      io.err(` [ERROR]: ${e.message}\n`);
      return ExitCode.Interrupted;
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
      return e.exitCode;
    }
    io.err(`ERROR! Unexpected Exception, this is probably a bug: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.TSIBLE_DEBUG) io.err(String((e as Error)?.stack) + '\n');
    return ExitCode.Unexpected;
  }
}
