// Randomness in lookups and filters without an explicit seed comes from the run's random source (the Templar's
// `random`, RunOptions.random), so a seeded run, and the explorer's replays, choose the same again.
import { describe, expect, it } from 'vitest';
import { Templar } from '../../src/template/templar.js';
import { seededRandom, type RandomSource } from '../../filters/core.js';

const templar = (random?: RandomSource) => new Templar({ lookupVar: () => undefined, random });
const CHOICE = "{{ lookup('random_choice', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h') }}";
const draws = (t: Templar, n = 20): unknown[] => Array.from({ length: n }, () => t.template(CHOICE));

describe('random_choice', () => {
  it('draws from the templar source: two templars with the same seed agree', () => {
    expect(draws(templar(seededRandom(42)))).toEqual(draws(templar(seededRandom(42))));
  });

  it('different seeds eventually differ', () => {
    const first = draws(templar(seededRandom(1)));
    expect([2, 3, 4, 5].some((seed) => draws(templar(seededRandom(seed))).join() !== first.join())).toBe(true);
  });

  it('chooses the item the source points at', () => {
    expect(templar({ next: () => 0 }).template(CHOICE)).toBe('a');
    expect(templar({ next: () => 0.999 }).template(CHOICE)).toBe('h');
    expect(templar({ next: () => 0.5 }).template(CHOICE)).toBe('e');
  });

  it('as with_random_choice too', () => {
    const t = templar({ next: () => 0.999 });
    expect(t.template("{{ query('random_choice', 1, 2, 3) }}")).toEqual([3]);
  });
});

describe('other unseeded randomness', () => {
  const seeded = (expr: string, seed: number) => templar(seededRandom(seed)).template(expr);
  it.each([
    "{{ lookup('password', '/dev/null length=24') }}",
    "{{ lookup('password', '/dev/null encrypt=sha512_crypt') }}",
    "{{ 'secret' | password_hash('sha512') }}",
    "{{ 'x' | to_uuid4 }}",
    '{{ [1, 2, 3, 4, 5, 6] | shuffle }}',
    '{{ 1000 | random }}',
  ])('%s is reproducible from the run source', (expr) => {
    expect(seeded(expr, 7)).toEqual(seeded(expr, 7));
    expect([8, 9, 10].some((seed) => String(seeded(expr, seed)) !== String(seeded(expr, 7)))).toBe(true);
  });

  it('a uuid4 from the source keeps its version and variant', () => {
    expect(seeded("{{ 'x' | to_uuid4 }}", 3)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('a seed given to the lookup still wins over the source (Python Random(seed), as Ansible)', () => {
    const expr = "{{ lookup('password', '/dev/null seed=abc') }}";
    expect(seeded(expr, 1)).toBe(seeded(expr, 2));
  });
});
