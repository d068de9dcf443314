// `tsible test TARGET_DIR...`: ansible-test integration targets, one line each and a summary; JUnit and json
// reports for CI.
import { writeFileSync } from 'node:fs';
import { OptionsError } from '../errors.js';
import { parseExtraVars } from './options.js';
import type { TargetResult, TargetOptions } from '../testing/target.js';
import { junitXml } from '../testing/junit.js';

export async function testTargets(argv: string[], io: { out(s: string): void; err(s: string): void }): Promise<number> {
  const dirs: string[] = [];
  let junit: string | undefined,
    json: string | undefined,
    continueOnError = false,
    retryOnError = false,
    verbosity = 0;
  const opts: { -readonly [K in keyof TargetOptions]: TargetOptions[K] } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new OptionsError(`argument ${a}: expected one argument`);
      return v;
    };
    if (/^-v+$/.test(a)) {
      verbosity += a.length - 1;
      continue;
    }
    switch (a) {
      case '--junit':
        junit = value();
        break;
      case '--json':
        json = value();
        break;
      case '--continue-on-error':
        continueOnError = true;
        break;
      case '--retry-on-error':
        retryOnError = true;
        break;
      case '--local-aws':
        opts.localAws = true;
        break;
      case '--cloud-config':
      case '--cloud-config-aws':
        opts.cloudConfig = value();
        break;
      case '--aws-profile':
        opts.env = { ...process.env, AWS_PROFILE: value() };
        break;
      case '--resource-prefix':
        opts.resourcePrefix = value();
        break;
      case '--allow-disabled':
        opts.allowDisabled = true;
        break;
      case '--allow-unsupported':
        opts.allowUnsupported = true;
        break;
      case '--allow-unstable':
        opts.allowUnstable = true;
        break;
      case '--allow-destructive':
        opts.allowDestructive = true;
        break;
      case '-e':
      case '--extra-vars':
        opts.extraVars = { ...opts.extraVars, ...parseExtraVars(value()) };
        break;
      default:
        if (a.startsWith('-')) throw new OptionsError(`unrecognized arguments: ${a}`);
        dirs.push(a);
    }
  }
  if (!dirs.length) throw new OptionsError('the following arguments are required: target');
  opts.verbosity = verbosity;
  const { runTarget } = await import('../testing/target.js');
  const results: TargetResult[] = [];
  for (const dir of dirs) {
    let r = await runTarget(dir, opts);
    if (r.status === 'failed' && retryOnError) {
      io.out(`${r.name}: failed, retrying\n`);
      r = await runTarget(dir, opts);
    }
    results.push(r);
    io.out(`${r.name}: ${r.status}${r.reason ? ` (${r.reason})` : ''} [${(r.ms / 1000).toFixed(1)} s]\n`);
    if (verbosity > 0 && r.run) io.out(r.run.output);
    if (r.status === 'failed' && !continueOnError) break;
  }
  const count = (s: TargetResult['status']) => results.filter((r) => r.status === s).length;
  const notRun = dirs.length - results.length;
  io.out(
    `\n${count('passed')} passed, ${count('failed')} failed, ${count('skipped') + count('unsupported') + notRun} skipped\n`,
  );
  if (junit) writeFileSync(junit, junitXml(results));
  if (json)
    writeFileSync(
      json,
      JSON.stringify(
        {
          targets: results.map((r) => ({
            name: r.name,
            status: r.status,
            reason: r.reason,
            aliases: r.aliases,
            seconds: r.ms / 1000,
            result: r.run?.json,
          })),
        },
        null,
        2,
      ) + '\n',
    );
  return count('failed') ? 2 : 0;
}
