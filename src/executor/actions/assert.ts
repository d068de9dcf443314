// The assert action: its messages' types checked first, then each condition in turn.
import { pyBoolean, pyStr, typeName } from '../../python/python.js';
import { assert } from '../../../modules/control.js';
import { conditionalError } from '../conditionals.js';
import { fail, type ExecutorAction } from './action.js';

/** fail_msg (msg) and success_msg are strings or lists of strings. */
function checkMessage(v: unknown, what: string): void {
  if (v === undefined || v === null || typeof v === 'string') return;
  if (!Array.isArray(v)) fail(`Incorrect type for ${what}, expected a string or list and got <class '${typeName(v)}'>`);
  else if (!v.every((x) => typeof x === 'string'))
    fail(`Type of one of the elements in ${what} list is not string type`);
}

export default {
  definition: assert,
  run(args, { task, templar }) {
    if (args.that === undefined) fail('conditional required in "that" string');
    // a list is read as written (its conditionals templated as they are evaluated, with Conditional's warning about
    // delimiters), a string as templated: the action's untemplated_args
    const written = task.args.that;
    const that = Array.isArray(written) ? written : args.that;
    const list = Array.isArray(that) ? that : [that];
    const failMsg = args.fail_msg ?? args.msg;
    checkMessage(failMsg, 'fail_msg or msg');
    checkMessage(args.success_msg, 'success_msg');
    const quiet = pyBoolean(args.quiet ?? false, false); // boolean(quiet, strict=False)
    const verbose = quiet ? {} : { _ansible_verbose_always: true }; // set before evaluating: failures show indented too
    for (const c of list) {
      let holds: boolean;
      try {
        holds = templar.evaluateConditional(c);
      } catch (e) {
        const why = conditionalError(c, e);
        if (why === undefined) throw e;
        return fail(why);
      }
      if (!holds)
        return {
          failed: true,
          changed: false,
          assertion: pyStr(c),
          evaluated_to: false,
          msg: failMsg === undefined ? 'Assertion failed' : failMsg,
          ...verbose,
        };
    }
    return {
      changed: false,
      msg: args.success_msg === undefined ? 'All assertions passed' : args.success_msg,
      ...verbose,
    };
  },
} satisfies ExecutorAction;
