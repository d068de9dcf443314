// --step: Ansible's "Perform task" prompt before each task (strategy/__init__.py _take_step).
import { createInterface } from 'node:readline';
import type { ExecutorHooks } from '../executor/events.js';

export function createStepHooks(io: { out(s: string): void }): ExecutorHooks {
  let stepping = true;
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines: string[] = [];
  const waiters: Array<(l: string | null) => void> = [];
  rl.on('line', (l) => { const w = waiters.shift(); if (w) w(l); else lines.push(l) });
  rl.on('close', () => { for (const w of waiters.splice(0)) w(null) });
  const nextLine = () => new Promise<string | null>((resolve) => { const l = lines.shift(); if (l !== undefined) resolve(l); else waiters.push(resolve) });
  return {
    async beforeTask(point) {
      if (!stepping) return 'run';
      const msg = `Perform task: TASK: ${point.name} (N)o/(y)es/(c)ontinue: `;
      io.out(msg);
      const answer = ((await nextLine()) ?? '').trim().toLowerCase();
      // the answer is echoed as a banner of the prompt (display.banner strips it, then pads with stars)
      const text = msg.trim();
      io.out(`\n${text} ${'*'.repeat(Math.max(3, 79 - text.length))}\n`);
      if (answer === 'y' || answer === 'yes') return 'run';
      if (answer === 'c' || answer === 'continue') { stepping = false; rl.close(); return 'run' }
      return 'skip';
    },
  };
}
