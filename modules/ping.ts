import { defineModule } from '../src/module.js';

export default defineModule({
  names: ['ping', 'ansible.builtin.ping', 'ansible.legacy.ping'],
  argumentSpec: { data: { type: 'str', default: 'pong' } },
  supportsCheckMode: true,
  run(args) {
    if (args.data === 'crash') throw new Error('boom');
    return { changed: false, ping: args.data };
  },
});
