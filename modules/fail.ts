import { defineModule } from '../src/module.js';

export default defineModule({
  names: ['fail', 'ansible.builtin.fail', 'ansible.legacy.fail'],
  argumentSpec: { msg: { type: 'raw', default: 'Failed as requested from task' } },
  supportsCheckMode: true,
  actionPlugin: true,
  validArgs: ['msg'],
  run(args) {
    return { changed: false, failed: true, msg: args.msg };
  },
});
