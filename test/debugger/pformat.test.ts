// The debugger's `p` prints with Python's pprint.pformat, as Ansible's does: non-ASCII text as it is, and only
// what Python cannot print escaped. Expected values from python3.11's pprint.pformat (the Python ansible-core 2.14
// runs on here), e.g. python3 -c "import pprint; print(repr(pprint.pformat({...})))".
import { describe, expect, it } from 'vitest';
import { pformat } from '../../src/debugger/pformat.js';

describe('pformat', () => {
  it.each([
    [
      { clé: 'välue ☃ 😀', ctl: 'a\x85b\u200bc\xa0d', list: ['é', 'é', 'é'] },
      "{'clé': 'välue ☃ 😀', 'ctl': 'a\\x85b\\u200bc\\xa0d', 'list': ['é', 'é', 'é']}",
    ],
    [['naïve '.repeat(8), 'x'], "['naïve naïve naïve naïve naïve naïve naïve naïve ', 'x']"],
  ])('writes non-ASCII as Python does: %j', (value, expected) => {
    expect(pformat(value)).toBe(expected);
  });
});
