import { defineModule } from '../src/module.js';

export default defineModule({
  names: ['debug', 'ansible.builtin.debug', 'ansible.legacy.debug'],
  argumentSpec: { msg: { type: 'raw' }, var: { type: 'raw' }, verbosity: { type: 'int', default: 0 } },
  mutuallyExclusive: [['msg', 'var']],
  supportsCheckMode: true,
  executorAction: true, // `var` is evaluated by the executor, which owns the templar
  run(args) {
    return { changed: false, msg: args.msg ?? 'Hello world!', _ansible_verbose_always: true };
  },
});
