// `vars` and `hostvars[host]` as templates see them: lazy views whose values are templated when read.
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
