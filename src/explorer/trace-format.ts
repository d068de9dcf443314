// The numbered trace a violation prints: process, task, call, parameters, result, and (when recorded) the
// variables each task changed.
import { faultEntry, type CallDetail } from './faults.js';
import { SIM_EPOCH } from './scheduler.js';
import type { Step } from './trace.js';

/** A listing's groups as `name@ms` (creation times since the schedule began), an error's code, or `ok`. */
const summarize = (body: unknown): string => {
  if (body && typeof body === 'object' && '__type' in body) return String((body as { __type: string }).__type);
  const groups = (body as { logGroups?: Array<{ logGroupName: string; creationTime: number }> } | undefined)?.logGroups;
  if (groups)
    return `[${groups.map((g) => `${g.logGroupName.split('/').pop()}@${g.creationTime - SIM_EPOCH}`).join(', ')}]`;
  return 'ok';
};

const answer = (d: CallDetail): string => {
  const shows = d.fault !== undefined ? faultEntry(d.fault)?.shows : undefined;
  if (shows) return shows.trace(d);
  return `  -> ${d.status} ${summarize(d.body)}${d.fault ? ' (injected fault)' : ''}`;
};

export function formatTrace(trace: readonly Step[], upTo = trace.length): string {
  return trace
    .slice(0, upTo)
    .filter((s) => s.kind !== 'task' || s.changed)
    .map((s, n) => {
      const head = `${String(n + 1).padStart(4)}. +${s.at} ms  p${s.process + 1}  ${s.task ? `[${s.task}] ` : ''}${s.kind === 'task' ? '(task starts)' : s.label}${s.detail ? answer(s.detail) : ''}`;
      return s.changed ? `${head}\n${' '.repeat(8)}p${s.process + 1} vars: ${s.changed}` : head;
    })
    .join('\n');
}
