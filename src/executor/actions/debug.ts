// The debug action: msg, or var= evaluated (any undefined variable on the way is "VARIABLE IS NOT DEFINED!").
import { UndefinedError } from '../../errors.js';
import { pyStr } from '../../python/python.js';
import { debug } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';

export default {
  definition: debug,
  run(args, { ctx, task, templar }) {
    if (args.msg !== undefined && args.var !== undefined)
      return { failed: true, msg: "'msg' and 'var' are incompatible options" };
    const verbosity = Number(args.verbosity ?? 0);
    if (Number.isNaN(verbosity))
      return {
        failed: true,
        msg: `Unexpected failure during module execution: invalid literal for int() with base 10: '${pyStr(args.verbosity)}'`,
      };
    if (verbosity > ctx.opts.verbosity)
      return { skipped: true, skipped_reason: 'Verbosity threshold not met.', changed: false };
    if (args.var === undefined)
      return { msg: args.msg === undefined ? 'Hello world!' : args.msg, _ansible_verbose_always: true, changed: false };
    const expr = pyStr(args.var);
    // var's text is AnsibleUnsafe when its template read an unsafe value: the action's '{{' + var + '}}' is then
    // unsafe too, and templating leaves it as it is
    if (typeof args.var === 'string' && templar.readsUnsafe(task.args.var))
      return { [expr]: `{{${expr}}}`, _ansible_verbose_always: true, changed: false };
    let value: unknown;
    // any undefined variable on the way (a.c included) is "VARIABLE IS NOT DEFINED!", with the error at -v
    try {
      value = templar.template(expr.includes('{{') ? expr : `{{ ${expr} }}`);
    } catch (e) {
      if (!(e instanceof UndefinedError)) throw e;
      value = `VARIABLE IS NOT DEFINED!${ctx.opts.verbosity > 0 ? `: ${e.message}. ${e.message}` : ''}`;
    }
    return { [expr]: value, _ansible_verbose_always: true, changed: false };
  },
} satisfies ExecutorAction;
