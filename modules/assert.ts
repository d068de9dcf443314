import { defineModule } from '../src/module.js';

// The conditions are evaluated by the executor (it owns the templar); see executor/actions.ts.
export default defineModule({
  names: ['assert', 'ansible.builtin.assert', 'ansible.legacy.assert'],
  argumentSpec: {
    that: { type: 'raw', required: true },
    fail_msg: { type: 'raw', aliases: ['msg'] },
    success_msg: { type: 'raw' },
    quiet: { type: 'raw', default: false },
  }, // boolean(quiet, strict=False), in the executor
  supportsCheckMode: true,
  executorAction: true,
  run() {
    return { changed: false };
  },
});
