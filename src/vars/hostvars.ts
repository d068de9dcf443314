// `vars` and `hostvars[host]` as templates see them: lazy views whose values are templated when read.
import { UndefinedError } from '../errors.js';
import type { TaskVars } from './variable-manager.js';

export function lazyVarsView(names: () => string[], read: (name: string) => unknown): Record<string, unknown> {
  return new Proxy(Object.create(Object.prototype) as Record<string, unknown>, {
    get: (_t, k) => (typeof k === 'string' && names().includes(k) ? read(k) : undefined),
    has: (_t, k) => typeof k === 'string' && names().includes(k),
    ownKeys: () => names(),
    getOwnPropertyDescriptor: (_t, k) =>
      typeof k === 'string' && names().includes(k)
        ? { enumerable: true, configurable: true, writable: false, value: read(k) }
        : undefined,
  });
}

/** hostvars[host] (HostVarsVars): the host's variables, each templated with them alone when read; a value that
 * needs a variable they lack stays as it was written (Ansible templates these with fail_on_undefined off). */
export function hostVarsView(vars: TaskVars, template: (name: string) => unknown): Record<string, unknown> {
  return lazyVarsView(
    () => Object.keys(vars.all()),
    (k) => {
      try {
        return template(k);
      } catch (e) {
        if (e instanceof UndefinedError) return vars.lookup(k);
        throw e;
      }
    },
  );
}
