// Values that contain themselves (a recursive YAML alias such as `a: &a [*a]`): Python's repr of them, and what
// templating them gives (Ansible 2.14's words, bad-input cases templates/recursive-alias-*), never a stack overflow.
import { describe, expect, it } from 'vitest';
import { PyRecursionError, recursiveRepr } from '../../src/python/recursion.js';
import { expandsPast } from '../../src/python/expanded-size.js';
import { Templar } from '../../src/template/templar.js';

function selfList(): unknown[] {
  const a: unknown[] = [];
  a.push(a);
  return a;
}

describe('recursiveRepr', () => {
  it('writes a container met again inside itself as Python does', () => {
    const d: Record<string, unknown> = {};
    d.x = [1, d];
    const c: unknown[] = [1];
    c.push({ y: [c] });
    expect(recursiveRepr(selfList())).toBe('[[...]]');
    expect(recursiveRepr(d)).toBe("{'x': [1, {...}]}");
    expect(recursiveRepr(c)).toBe("[1, {'y': [[...]]}]");
  });
  it('writes a value shared without a cycle in full', () => {
    const shared = ['s'];
    expect(recursiveRepr([shared, shared, 'x', null])).toBe("[['s'], ['s'], 'x', None]");
  });
});

describe('templating a value that contains itself', () => {
  const vars: Record<string, unknown> = { a: selfList(), d: '{{ a }}' };
  const templar = () => new Templar({ lookupVar: (n) => vars[n] });

  it('fails with RecursionError where the value is given directly', () => {
    expect(() => templar().template(selfList())).toThrow(PyRecursionError);
  });
  it("fails a variable in AnsibleJ2Vars' words, wrapped again by each variable that names it", () => {
    const inner =
      "An unhandled exception occurred while templating '[[...]]'. Error was a <class 'RecursionError'>, original message: maximum recursion depth exceeded in comparison";
    expect(() => templar().template('{{ a | length }}')).toThrow(inner);
    expect(() => templar().template('{{ d }}')).toThrow(
      `An unhandled exception occurred while templating '{{ a }}'. Error was a <class 'ansible.errors.AnsibleError'>, original message: ${inner}`,
    );
  });
  it('counts such a value as too large to write out', () => {
    expect(expandsPast(selfList())).toBe(true);
  });
});
