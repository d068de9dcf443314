import { defineModule } from '../src/module.js';

export default defineModule({
  names: ['ping', 'ansible.builtin.ping', 'ansible.legacy.ping'],
  argumentSpec: { data: { type: 'str', default: 'pong' } },
  supportsCheckMode: true,
  run(args) {
    if (args.data === 'crash') {
      // ping raises Exception('boom'): the module crash Ansible reports, with the traceback's last lines
      const crash = new Error('boom');
      crash.stack =
        'Traceback (most recent call last):\n  File "ansible/modules/ping.py", line 79, in main\nException: boom\n';
      throw crash;
    }
    return { changed: false, ping: args.data };
  },
});
