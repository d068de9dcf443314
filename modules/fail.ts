import { defineModule } from '../src/module.js';

export default defineModule({
  names: ['fail', 'ansible.builtin.fail', 'ansible.legacy.fail'],
  argumentSpec: { msg: { type: 'raw' } },
  supportsCheckMode: true,
  actionPlugin: true,
  validArgs: ['msg'],
  run(args, ctx) {
    // the default is for a task without msg: a msg given as null (a template that gives None) stays null
    const given = ctx.task.args !== undefined && 'msg' in ctx.task.args;
    return { changed: false, failed: true, msg: given ? (args.msg ?? null) : 'Failed as requested from task' };
  },
});
