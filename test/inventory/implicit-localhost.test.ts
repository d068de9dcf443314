// The implicit localhost: the names of ansible/constants.py's LOCALHOST ('127.0.0.1', 'localhost', '::1') mean
// the controller when the inventory does not list them (InventoryData.get_host adds them with
// ansible_connection=local); listed in the inventory, they are ordinary hosts.
import { describe, expect, it } from 'vitest';
import { hostInventoryVars, isImplicitLocalhostName, isLocal, loadInventory } from '../../src/inventory/inventory.js';

describe('implicit localhost', () => {
  it('knows the three names of C.LOCALHOST and no others', () => {
    for (const n of ['localhost', '127.0.0.1', '::1']) expect(isImplicitLocalhostName(n)).toBe(true);
    for (const n of ['localhost.localdomain', '127.0.0.2', 'LOCALHOST', '0:0:0:0:0:0:0:1', 'web1'])
      expect(isImplicitLocalhostName(n)).toBe(false);
  });

  it('gives each of them a local connection when the inventory does not list them', () => {
    const inv = loadInventory([]);
    for (const n of ['localhost', '127.0.0.1', '::1']) {
      expect(hostInventoryVars(inv, n).ansible_connection).toBe('local');
      expect(isLocal({}, n, inv)).toBe(true);
    }
    expect(hostInventoryVars(inv, 'web1').ansible_connection).toBeUndefined();
    expect(isLocal({}, 'web1', inv)).toBe(false);
  });
});
