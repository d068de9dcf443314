// Templates cannot reach JavaScript's internals, !unsafe text and module results are never templated, and the
// Nunjucks internals we patch are the version we pinned.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../src/template/templar.js';
import { NUNJUCKS_VERSION } from '../../src/template/nunjucks-patches.js';
import { UnsafeText } from '../../src/yaml/loader.js';

const templar = (vars: Record<string, unknown>, final: string[] = []) =>
  new Templar({ lookupVar: (n) => vars[n], isFinal: (n) => final.includes(n) });

describe('template safety', () => {
  it.each([
    "{{ ''.constructor }}",
    "{{ range.constructor('return process')() }}",
    '{{ x.__proto__ }}',
    "{{ x['__proto__'] }}",
    '{{ x.constructor.prototype }}',
    "{{ lookup.constructor('return 1')() }}",
    '{{ [].constructor }}',
  ])('%s is undefined, not a JavaScript object', (t) => {
    expect(() => templar({ x: {} }).template(t)).toThrow(/undefined|no attribute|not callable/);
  });

  it('a data key named __proto__ pollutes nothing, and templates cannot read it', () => {
    const vars = JSON.parse('{"d": {"__proto__": {"polluted": 1}}}');
    expect(() => templar(vars).template("{{ d['__proto__'].polluted }}")).toThrow(/no attribute '__proto__'/);
    expect(templar(vars).template('{{ d | combine({"x": 1}) | length }}')).toBe('2');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never templates !unsafe text or registered results', () => {
    expect(templar({ u: new UnsafeText('{{ 1 + 1 }}') }).template('{{ u }}')).toBe('{{ 1 + 1 }}');
    expect(templar({ r: { stdout: '{{ lookup("pipe", "id") }}' } }, ['r']).template('{{ r.stdout }}')).toBe(
      '{{ lookup("pipe", "id") }}',
    );
  });

  it('runs 2.19 native result typing behind the jinja switch', () => {
    const native = new Templar({ lookupVar: () => undefined, jinja: 'native' });
    expect(native.template('{{ 1 + 2 }}')).toBe(3);
    expect(native.template("{{ '[1, 2]' }}")).toBe('[1, 2]');
    expect(new Templar({ lookupVar: () => undefined }).template('{{ 1 + 2 }}')).toBe('3');
  });

  it('patches the Nunjucks version it was written for', () => {
    const require = createRequire(import.meta.url);
    expect(require('nunjucks/package.json').version).toBe(NUNJUCKS_VERSION);
  });
});
