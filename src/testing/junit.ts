// JUnit XML as Ansible's junit callback writes it: a testsuite per target, a testcase per task result.
import type { TargetResult } from './target.js';
import { pyJson } from '../python/pyjson.js';
import { cleanCopy } from '../output/default-callback.js';
import { maskSecrets, scrub } from '../vault/index.js';

// the run's secrets are masked in every text and result (src/vault/secret-text.ts), no_log results censored
const esc = (s: string) =>
  scrub(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** A target without a playbook run of its own (skipped, a runme.sh, or one that did not finish): one testcase. */
function wholeTarget(r: TargetResult): string {
  const head = `    <testcase classname="${esc(r.name)}" name="${esc(r.name)}">`;
  if (r.status === 'skipped' || r.status === 'unsupported')
    return `${head}\n      <skipped message="${esc(`${r.status}: ${r.reason ?? ''}`)}"/>\n    </testcase>`;
  if (r.status === 'failed')
    return `${head}\n      <failure message="${esc(r.reason ?? 'failed')}" type="failed">${esc((r.output ?? '').slice(-20000))}</failure>\n    </testcase>`;
  return `${head}</testcase>`;
}

export function junitXml(results: readonly TargetResult[]): string {
  const suites = results.map((r) => {
    const cases = (r.run?.tasks ?? []).map((t) => {
      const name = esc(`[${t.host}] ${t.play ? `${t.play}: ` : ''}${t.task}`);
      const head = `    <testcase classname="${esc(t.path)}" name="${name}">`;
      if (t.status === 'failed' || t.status === 'unreachable') {
        const result = t.result._ansible_no_log === true ? cleanCopy(t.action, t.result, true) : maskSecrets(t.result);
        const msg = String(result.msg ?? result.reason ?? 'failed');
        return `${head}\n      <failure message="${esc(msg)}" type="${t.status}">${esc(pyJson(result, { indent: 4 }))}</failure>\n    </testcase>`;
      }
      if (t.status === 'skipped')
        return `${head}\n      <skipped message="${esc(String(t.result.skip_reason ?? t.result.skipped_reason ?? 'skipped'))}"/>\n    </testcase>`;
      return `${head}</testcase>`;
    });
    if (!r.run) cases.push(wholeTarget(r));
    const failures =
      (r.run?.tasks ?? []).filter((t) => t.status === 'failed' || t.status === 'unreachable').length +
      (r.run || r.status !== 'failed' ? 0 : 1);
    const skipped =
      (r.run?.tasks ?? []).filter((t) => t.status === 'skipped').length +
      (r.run || r.status === 'passed' || r.status === 'failed' ? 0 : 1);
    return `  <testsuite name="${esc(r.name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${(r.ms / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}
