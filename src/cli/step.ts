// --step: Ansible's "Perform task" prompt before each task (strategy/__init__.py _take_step).
import type { ExecutorHooks } from '../executor/events.js';
import type { LineSource } from '../debugger/debugger.js';

export function createStepHooks(io: { out(s: string): void }, input: LineSource): ExecutorHooks {
  let stepping = true;
  return {
    async beforeTask(point) {
      if (!stepping) return 'run';
      const msg = `Perform task: TASK: ${point.name} (N)o/(y)es/(c)ontinue: `;
      const answer = ((await input.next(msg)) ?? '').trim().toLowerCase();
      // the answer is echoed as a banner of the prompt (display.banner strips it, then pads with stars)
      const text = msg.trim();
      io.out(`\n${text} ${'*'.repeat(Math.max(3, 79 - text.length))}\n`);
      if (answer === 'y' || answer === 'yes') return 'run';
      if (answer === 'c' || answer === 'continue') {
        stepping = false;
        return 'run';
      }
      return 'skip';
    },
  };
}
