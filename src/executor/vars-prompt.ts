// vars_prompt: before a play's banner, each variable it names that -e did not give is asked for at the terminal
// (hidden when private, twice when confirm), or, with no terminal, Ansible warns and takes the default.
import type { Play } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import { isDict, pyBoolean, pyStr } from '../python/python.js';
import { passwordHash } from '../../filters/crypt.js';
import type { Vars } from '../vars/variable-manager.js';
import type { RunContext } from './context.js';

/** One vars_prompt entry, templated with the play's variables (PlaybookExecutor templates them all first). */
interface VarsPrompt {
  readonly name: string;
  readonly prompt?: unknown;
  readonly default?: unknown;
  readonly private?: unknown;
  readonly confirm?: unknown;
  readonly encrypt?: unknown;
  readonly salt_size?: unknown;
  readonly salt?: unknown;
}

/** Sets the play's prompted variables, as Ansible sets them: in the play's vars. */
export async function promptPlayVars(ctx: RunContext, play: Play, templar: Templar): Promise<void> {
  const raw = play.keywords.vars_prompt;
  if (raw === undefined || raw === null) return;
  const prompts = templar.template(Array.isArray(raw) ? raw : [raw]) as VarsPrompt[];
  for (const p of prompts.filter(isDict)) {
    const name = pyStr(p.name);
    if (Object.hasOwn(ctx.vm.extraVars, name)) continue;
    (play.vars as Vars)[name] = await askFor(ctx, p);
  }
}

/** Display.do_var_prompt: the answer, the default when the answer is empty, then hashed if asked; None's text
 * when there is neither. */
async function askFor(ctx: RunContext, p: VarsPrompt): Promise<string> {
  const ask = ctx.opts.prompt;
  let answer: string | null = null;
  if (ask) {
    const label = p.prompt === undefined || p.prompt === null || p.prompt === '' ? undefined : pyStr(p.prompt);
    const hasDefault = p.default !== undefined && p.default !== null;
    const text = !label ? `input for ${p.name}: ` : hasDefault ? `${label} [${pyStr(p.default)}]: ` : `${label}: `;
    const hidden = pyBoolean(p.private ?? true, false)!;
    for (;;) {
      answer = await ask(text, { hidden });
      if (!pyBoolean(p.confirm ?? false, false)) break;
      if ((await ask(`confirm ${text}`, { hidden })) === answer) break;
      ctx.emit('verbose', 0, '***** VALUES ENTERED DO NOT MATCH ****');
    }
  } else ctx.emit('warning', 'Not prompting as we are not in interactive mode');
  let value: unknown = answer;
  if (!answer && p.default !== undefined && p.default !== null) value = p.default;
  if (p.encrypt !== undefined && p.encrypt !== null) {
    const random = { below: (n: number) => Math.floor(ctx.opts.random.next() * n) };
    const salt = p.salt === undefined || p.salt === null ? undefined : pyStr(p.salt);
    const saltSize = p.salt_size === undefined || p.salt_size === null ? undefined : Number(p.salt_size);
    value = passwordHash(pyStr(value), { hashtype: pyStr(p.encrypt), salt, saltSize, random });
  }
  return value === null || value === undefined ? 'None' : pyStr(value);
}
