// The run's secret text (src/vault/secret-text.ts): what is masked, in which forms, and what is left alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MASK,
  VaultText,
  addSecrets,
  encrypt,
  forgetSecrets,
  maskSecrets,
  scrub,
  setVaultSecrets,
  showSecrets,
} from '../../src/vault/index.js';
import { pyJson } from '../../src/python/pyjson.js';
import { pyRepr } from '../../src/python/python.js';

beforeEach(() => {
  forgetSecrets();
  showSecrets(false);
});
afterEach(() => {
  forgetSecrets();
  setVaultSecrets([]);
});

describe('secret text', () => {
  it('masks a secret inside any text, as it is and JSON-, repr- or HTML-escaped', () => {
    const s = `pa"ss'wörd-€-42`;
    addSecrets(s);
    for (const form of [
      s,
      pyJson(s).slice(1, -1),
      pyJson(s, { ensureAscii: false }).slice(1, -1),
      pyRepr(s).slice(1, -1),
      s.replace(/"/g, '&quot;'),
    ])
      expect(scrub(`before ${form} after`)).toBe(`before ${MASK} after`);
    expect(scrub(pyJson({ msg: `user:${s}` }))).toBe(`{"msg": "user:${MASK}"}`);
  });

  it('masks a multi-line secret line by line (colours and diffs print it so)', () => {
    addSecrets('first-line-secret\nsecond-line-secret\n');
    expect(scrub('+first-line-secret\n+second-line-secret')).toBe(`+${MASK}\n+${MASK}`);
  });

  it('masks a short secret only where it is a whole value', () => {
    addSecrets(['dev', { nested: 'long-enough-secret' }]);
    expect(scrub('dev tools and devices')).toBe('dev tools and devices');
    expect(maskSecrets({ stage: 'dev', note: 'a dev box', deep: ['long-enough-secret!'] })).toEqual({
      stage: MASK,
      note: 'a dev box',
      deep: [`${MASK}!`],
    });
  });

  it('masks a !vault value without decrypting it, and learns its plaintext when it is decrypted', () => {
    const password = Buffer.from('unit-pass');
    const v = new VaultText(encrypt('inline-vaulted-secret', { vaultId: 'default', password }));
    expect(maskSecrets({ v })).toEqual({ v: MASK });
    expect(scrub('inline-vaulted-secret')).toBe('inline-vaulted-secret');
    setVaultSecrets([{ vaultId: 'default', password }]);
    expect(v.data).toBe('inline-vaulted-secret');
    expect(scrub('got inline-vaulted-secret')).toBe(`got ${MASK}`);
  });

  it('shows everything once secrets are asked for, and nothing is masked before any is learnt', () => {
    expect(scrub('anything at all')).toBe('anything at all');
    addSecrets('shown-on-request');
    showSecrets(true);
    expect(scrub('shown-on-request')).toBe('shown-on-request');
    expect(maskSecrets(['shown-on-request'])).toEqual(['shown-on-request']);
  });
});
