// `tsible explore --html FILE`: a schedule as swimlanes, one lane per process, time downwards, the log groups that
// exist after each call on the right, each process's time holding the lock shaded, the violating move marked.
// One self-contained HTML file (no scripts, no external assets) that reads without the text trace.
import { faultEntry } from './faults.js';
import { SIM_EPOCH } from './scheduler.js';
import type { ScheduleOutcome } from './simulation.js';
import type { Step, StepMark } from './trace.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A call's parameters without the JSON noise: `DescribeLogGroups logGroupNamePrefix=locks/` */
function callText(label: string): string {
  const m = /^(\w+) (\{.*\})$/.exec(label);
  if (!m) return label;
  try {
    const args = Object.entries(JSON.parse(m[2]!) as Record<string, unknown>).map(
      ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
    );
    return `${m[1]} ${args.join(' ')}`;
  } catch {
    return label;
  }
}

function resultText(step: Step): string {
  const d = step.detail;
  if (!d) return '';
  const shows = d.fault !== undefined ? faultEntry(d.fault)?.shows : undefined;
  if (shows) return shows.lane(d);
  const body = d.body as
    { __type?: string; logGroups?: Array<{ logGroupName: string; creationTime: number }> } | undefined;
  if (body?.__type) return `${d.status} ${body.__type}${d.fault ? ' (injected)' : ''}`;
  if (body?.logGroups)
    return `${d.status}: ${body.logGroups.length ? body.logGroups.map((g) => `${g.logGroupName.split('/').pop()} @${g.creationTime - SIM_EPOCH}`).join(', ') : 'none'}`;
  return String(d.status);
}

/** A note's box: faults, wins and false invariants stand out. */
const NOTE_CLASS: Record<StepMark | 'note', string> = {
  fault: 'fault',
  crashed: 'fault',
  won: 'win',
  invariant: 'win',
  released: 'note',
  note: 'note',
};

/** The box of the process that moved. */
function moveBox(s: Step, violating: boolean): string {
  const kind = s.kind === 'note' ? NOTE_CLASS[s.mark ?? 'note'] : s.detail?.fault ? 'fault' : s.kind;
  const body =
    s.kind === 'aws'
      ? `<b>${esc(callText(s.label))}</b><br><span class="res">&rarr; ${esc(resultText(s))}</span>`
      : s.kind === 'task'
        ? '<i>task done</i>'
        : `<b>${esc(s.label)}</b>`;
  // the picture names what changed; the text trace has the values in full
  const vars = s.changed
    ? `<div class="vars">${esc(s.changed.length > 160 ? `${s.changed.slice(0, 157)}...` : s.changed)}</div>`
    : '';
  return `<div class="box ${kind}${violating ? ' violation' : ''}"><div class="task">${esc(s.task)}</div>${body}${vars}</div>`;
}

/** One table row per step shown: a cell per lane (shaded while its process holds the lock), then the endpoint's
 * state, written where it changed (an unchanged row says so with a ditto mark). */
function rowsOf(outcome: ScheduleOutcome): string[] {
  const n = outcome.processes;
  const upTo = outcome.violation ? outcome.violation.step : outcome.trace.length;
  const steps = outcome.trace.slice(0, upTo).filter((s) => s.kind !== 'task' || s.changed);
  const holding = Array<boolean>(n).fill(false);
  let groups: string[] = [];
  return steps.map((s, row) => {
    if (s.mark === 'won') holding[s.process] = true;
    const violating = outcome.violation !== undefined && row === steps.length - 1;
    const cells = holding.map(
      (holds, p) => `<td class="${holds ? 'holds' : ''}">${p === s.process ? moveBox(s, violating) : ''}</td>`,
    );
    const before = groups.join('\n');
    if (s.groups) groups = s.groups;
    const state =
      row > 0 && groups.join('\n') === before
        ? '<td class="state same">&#8243;</td>'
        : `<td class="state">${groups.map((g) => esc(g)).join('<br>') || '<i>no log groups</i>'}</td>`;
    if (s.mark === 'released' || s.mark === 'crashed') holding[s.process] = false;
    return `<tr${violating ? ' class="violating"' : ''}><td class="num">${row + 1}</td><td class="time">+${s.at} ms</td>${cells.join('')}${state}</tr>`;
  });
}

export function swimlanes(outcome: ScheduleOutcome, title: string): string {
  const n = outcome.processes;
  const rows = rowsOf(outcome);
  const verdict = outcome.violation
    ? `<p class="verdict bad">VIOLATION: ${esc(outcome.violation.message)}</p>`
    : '<p class="verdict ok">no violation in this schedule</p>';
  const heads = Array.from({ length: n }, (_x, p) => `<th>p${p + 1}</th>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body { font: 13px/1.35 system-ui, sans-serif; margin: 1.5em; color: #222 }
h1 { font-size: 16px } .verdict { font-weight: bold; padding: .4em .6em; display: inline-block; border-radius: 4px }
.bad { background: #fde2e1; color: #a40000 } .ok { background: #e3f5e1; color: #1d5e17 }
table { border-collapse: collapse; width: 100% } th { position: sticky; top: 0; background: #f4f4f4; padding: .4em; border-bottom: 2px solid #999 }
td { vertical-align: top; padding: 3px 6px; border-left: 1px dashed #bbb } td.num, td.time { color: #777; white-space: nowrap; border-left: none }
td.holds { background: #e3f5e1 } td.state.same { color: #aaa; text-align: center } td.state { font-family: ui-monospace, monospace; font-size: 11px; color: #444; border-left: 2px solid #999; background: #fafafa }
.box { border-radius: 4px; padding: 3px 6px; border: 1px solid #ccc; background: #fff } .task { color: #777; font-size: 11px }
.aws { border-color: #6a9be0 } .sleep { color: #666; background: #f2f2f2 } .win { background: #fff4c2; border-color: #d9b100 }
.fault { background: #ffe6cc; border-color: #e07b00 } .note { background: #f7f7f7 } .res { color: #333 }
.vars { font-family: ui-monospace, monospace; font-size: 11px; color: #555; margin-top: 2px }
.violation { border: 2px solid #c00; box-shadow: 0 0 0 3px #fbb } tr.violating td { background: #fff0f0 }
.legend span { display: inline-block; margin-right: 1em }
</style></head><body>
<h1>${esc(title)}</h1>
${verdict}
<p class="legend"><span class="box aws">AWS call &rarr; answer</span><span class="box sleep">wait</span><span class="box win">won the lock / invariant</span><span class="box fault">fault</span><span style="background:#e3f5e1;padding:0 .4em">lane shaded: the process holds the lock</span></p>
<p>Seed <code>${esc(`${outcome.seed}`)}</code>, ${n} processes, ${outcome.choices.length} moves. The right column shows the log groups that exist after each call (&#8243;: unchanged).</p>
<table><thead><tr><th>#</th><th>time</th>${heads}<th>log groups (endpoint state)</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</body></html>
`;
}
