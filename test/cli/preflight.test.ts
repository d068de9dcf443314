// The locale preflight of `ansible` (tsible test's shim serves `ansible --version` through it). Expected messages
// were recorded from ansible 2.14 (`env -i PATH=... <vars> ansible --version`) on a system whose `locale -a` lists
// only C, C.utf8 and POSIX; the last case assumes en_US.UTF-8 is installed, as upstream preflight_encoding does.
import { describe, expect, it } from 'vitest';
import { localeError } from '../../src/cli/preflight.js';
import { runCli } from '../helpers.js';

const minimal = new Set(['C', 'C.utf8', 'POSIX']);
const unsupported = 'ERROR: Ansible could not initialize the preferred locale: unsupported locale setting';

describe("ansible's locale preflight", () => {
  const cases: [Record<string, string>, string | undefined][] = [
    [{ LC_ALL: 'C' }, 'ERROR: Ansible requires the locale encoding to be UTF-8; Detected None.'],
    [{ LC_ALL: 'POSIX' }, 'ERROR: Ansible requires the locale encoding to be UTF-8; Detected None.'],
    [{ LC_ALL: 'C.UTF-8' }, undefined],
    [{ LC_ALL: 'C.utf8' }, undefined],
    [{ LC_ALL: '', LC_CTYPE: 'C.UTF-8' }, undefined],
    [{ LC_ALL: 'ham_sandwich', LC_CTYPE: 'en_US.UTF-8' }, unsupported],
    [{ LC_ALL: 'en_US.UTF-8' }, unsupported],
    // Python coerces an LC_CTYPE it cannot load to C.UTF-8 when LC_ALL is not set
    [{ LC_ALL: '', LC_CTYPE: 'en_US.UTF-8' }, undefined],
    [{ LC_ALL: '', LANG: 'fr_FR.UTF-8' }, unsupported],
    [{ LC_ALL: '', LANG: '', LC_CTYPE: '' }, undefined],
    [{ LC_ALL: '', LC_CTYPE: 'C', LC_MESSAGES: 'xx_YY' }, unsupported],
  ];
  for (const [env, expected] of cases)
    it(`${JSON.stringify(env)}: ${expected ?? 'starts'}`, () => expect(localeError(env, minimal)).toBe(expected));

  it('accepts an installed UTF-8 locale under any spelling of its codeset', () => {
    const installed = new Set([...minimal, 'en_US.utf8']);
    expect(localeError({ LC_ALL: 'en_US.UTF-8' }, installed)).toBeUndefined();
    expect(localeError({ LC_ALL: 'ham_sandwich', LC_CTYPE: 'en_US.UTF-8' }, installed)).toBe(unsupported);
  });

  it('gates `tsible ansible --version`', async () => {
    const ok = await runCli(['ansible', '--version'], { env: { LC_ALL: 'C.UTF-8' } });
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('ansible-core 2.14 compatible')]);
    const bad = await runCli(['ansible', '--version'], { env: { LC_ALL: 'ham_sandwich' } });
    expect([bad.code, bad.stderr]).toEqual([1, `${unsupported}\n`]);
  });
});
