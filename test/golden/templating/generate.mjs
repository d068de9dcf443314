#!/usr/bin/env node
// Writes cases.json: templating cases weighted by how often Ansible's own integration targets use each filter,
// test, method and operator (shared/reference/templating.md §1), each over typical and edge inputs.
// regenerate.mjs records what real Ansible makes of them.
import { writeFileSync } from 'node:fs';

const cases = [];
const add = (template, vars = {}) => cases.push({ id: `c${String(cases.length + 1).padStart(4, '0')}`, template, vars });

const values = {
  str: 'hello', empty: '', num: 42, neg: -7, zero: 0, list: [3, 1, 2], strs: ['b', 'A', 'c'], nested: [[1, 2], [3, [4]]], dict: { b: 2, a: 1 },
  users: [{ name: 'bob', age: 30, admin: true }, { name: 'al', age: 25, admin: false }, { name: 'cy', age: 41 }], nul: null, yes: 'yes', t: true, f: false,
  text: 'Line one\nline two\n', path: '/etc/ansible/hosts.yml', url: 'https://user:pw@example.com:8080/p/a?x=1#frag', json: '{"a": [1, 2], "b": null}', ver: '2.14.1',
};
const V = (...names) => Object.fromEntries(names.map((n) => [n, values[n]]));

// filters on each kind of input
for (const input of ['str', 'empty', 'num', 'list', 'strs', 'dict', 'nul']) {
  for (const f of ['length', 'list', 'first', 'last', 'sort', 'unique', 'reverse', 'string', 'bool', 'int', 'lower', 'upper', 'trim', 'min', 'max', 'sum', 'join', 'flatten', 'to_json', 'type_debug', 'count', 'capitalize', 'title', 'b64encode', 'quote', 'hash', 'checksum', 'dict2items', 'items2dict', 'random', 'shuffle'])
    add(`{{ ${input} | ${f} }}`, V(input));
}
// default and undefined handling
for (const t of ['missing | default("d")', 'missing | d("d")', 'empty | default("d")', 'empty | default("d", true)', 'nul | default("d")', 'nul | default("d", true)', 'missing.a.b | default(1)',
  'dict.zz | default([])', 'missing | default(omit) is string', 'missing is defined', 'missing is undefined', 'dict.a is defined', 'dict.zz is defined', 'list[10] is defined',
  'missing | mandatory', 'num | mandatory', 'missing == 1', 'missing ~ "x"', 'missing.x', 'dict.zz', 'list[10]', 'nul.x', 'num.x', "users[0]['nope']", 'missing | length', 'undef() | default(3)'])
  add(`{{ ${t} }}`, V('empty', 'nul', 'dict', 'list', 'num', 'users'));
// selectattr / rejectattr / select / reject / map with tests and arguments
for (const t of ["users | selectattr('admin') | list", "users | rejectattr('admin') | list", "users | selectattr('age', 'gt', 28) | map(attribute='name') | list",
  "users | selectattr('age', 'ge', 30) | list | length", "users | selectattr('admin', 'defined') | map(attribute='name') | join(',')", "users | rejectattr('admin', 'undefined') | list | length",
  "users | selectattr('name', 'match', '^a') | list", "users | selectattr('name', 'search', 'o') | map(attribute='name') | list", "users | selectattr('name', 'in', ['al', 'cy']) | list | length",
  "users | selectattr('age', 'equalto', 25) | first", "users | map(attribute='age') | max", "users | map(attribute='age') | min", "users | map(attribute='age') | sum",
  "users | map(attribute='nope', default='x') | list", "users | sort(attribute='age') | map(attribute='name') | list", "users | sort(attribute='age', reverse=true) | first",
  "users | sort(attribute='name') | last", "list | select('odd') | list", "list | reject('odd') | list", "list | select('gt', 1) | list", "list | select('lessthan', 3) | list",
  "list | select('divisibleby', 2) | list", "strs | select('lower') | list", "strs | reject('upper') | list", "list | map('string') | list", "list | map('int') | sum",
  "strs | map('lower') | list", "strs | map('upper') | join('-')", "users | map(attribute='name') | map('upper') | list", "[1, '', None, 0, 'a', []] | select | list",
  "users | groupby('admin') | length", "users | selectattr('admin', 'equalto', true) | map(attribute='name') | list", "users | map(attribute='name') | sort | list",
  "strs | sort | list", "strs | sort(case_sensitive=true) | list", "strs | unique(case_sensitive=false) | list", "users | items2dict(key_name='name', value_name='age')",
  "dict | dict2items | map(attribute='key') | list", "dict | dictsort", "dict | dictsort(by='value', reverse=true)", "list | batch(2) | list", "list | slice(2) | list",
  "users | max(attribute='age')", "users | min(attribute='age')", "users | sum(attribute='age')", "users | map(attribute='name') | join(', ')", "users | json_query is defined"])
  add(`{{ ${t} }}`, V('users', 'list', 'strs', 'dict'));
// set theory, combine, flatten, zip
for (const t of ["[1, 2, 3] | union([3, 4])", "[1, 2, 3] | intersect([2, 3, 5])", "[1, 2, 3] | difference([2])", "[1, 2, 3] | symmetric_difference([3, 4])", "[1, 1, 2] | unique",
  "{'a': 1} | combine({'b': 2})", "{'a': {'x': 1}} | combine({'a': {'y': 2}})", "{'a': {'x': 1}} | combine({'a': {'y': 2}}, recursive=true)", "{'a': [1]} | combine({'a': [2]}, list_merge='append')",
  "{'a': [1]} | combine({'a': [2]}, list_merge='prepend')", "[{'a': 1}, {'b': 2}] | combine", "nested | flatten", "nested | flatten(levels=1)", "[1, [None, 2]] | flatten",
  "[1, 2] | zip(['a', 'b']) | list", "[1, 2, 3] | zip(['a']) | list", "[1, 2] | product(['a', 'b']) | list", "[1, 2, 3] | permutations(2) | list | length", "[1, 2, 3] | combinations(2) | list",
  "[1, 2] | zip_longest(['a', 'b', 'c'], fillvalue='-') | list", "{'a': 1, 'b': 2} | dict2items", "[{'key': 'a', 'value': 1}] | items2dict", "{'a': 1} | dict2items(key_name='k', value_name='v')"])
  add(`{{ ${t} }}`, V('nested'));
// strings and regex
for (const t of ["str | replace('l', 'L')", "str | replace('l', 'L', 1)", "str | regex_replace('l+', 'L')", "str | regex_replace('(h)(e)', '\\\\2\\\\1')", "'abc-123' | regex_search('[0-9]+')",
  "'abc-123' | regex_search('(?P<w>[a-z]+)-(\\\\d+)', '\\\\g<w>', '\\\\2')", "'a1b22c333' | regex_findall('[0-9]+')", "'k1=v1 k2=v2' | regex_findall('(\\\\w+)=(\\\\w+)')", "'a.b*c' | regex_escape",
  "'ABC' | regex_search('b', ignorecase=true)", "text | regex_findall('^line.*$', multiline=true)", "str | regex_search('z')", "'hello world' | truncate(8)", "'hello world' | truncate(8, true)",
  "'hello world' | truncate(8, killwords=true, end='..', leeway=0)", "str | center(11)", "'a b c' | wordcount", "text | indent(2)", "text | indent(2, true)", "str | reverse",
  "'a,b,,c' | split(',')", "'a b  c' | split", "'a,b,c' | split(',', 1)", "str | b64encode | b64decode", "'aGVsbG8=' | b64decode", "json | from_json", "json | from_json | to_json",
  "dict | to_json", "dict | to_json(sort_keys=true)", "dict | to_nice_json", "users | to_nice_json(indent=2)", "'a: 1\\nb: [x]' | from_yaml", "dict | to_yaml", "users | to_nice_yaml",
  "str | hash('md5')", "str | hash('sha256')", "str | checksum", "str | to_uuid", "'x y' | quote", "\"it's\" | quote", "'text' | comment", "'text' | comment('c')",
  "path | basename", "path | dirname", "path | splitext", "['/a', 'b', 'c.txt'] | path_join", "['a', '/b'] | path_join", "'~/x' | expanduser is string", "url | urlsplit('hostname')",
  "url | urlsplit('port')", "url | urlsplit('query')", "url | urlsplit('scheme')", "url | urlsplit('path')", "{'a': 1, 'b': 'x y'} | urlencode", "'a b/c' | urlencode",
  "1024 | human_readable", "1048576 | human_readable", "123456789 | human_readable(unit='M')", "'1K' | human_to_bytes", "'2 MB' | human_to_bytes", "'10Mb' | human_to_bytes(isbits=True)",
  "1700000000 | strftime is string", "'%Y-%m-%d' | strftime(0, utc=true)", "'%H:%M:%S %j' | strftime(86461, utc=true)", "str | ternary('y', 'n')", "empty | ternary('y', 'n')",
  "nul | ternary('y', 'n', 'none')", "t | ternary(1, 2)", "'{{ x }}' | length", "'x' * 3", "str[1:3]", "str[::-1]", "str[-1]", "list[-1]", "list[1:]", "list[:2]", "'%s=%d' % ('a', 5)",
  "'%05.2f' % 3.14159", "'%(a)s-%(b)s' % {'a': 1, 'b': 2}", "'{}-{}'.format(1, 2)", "'{0}{1}{0}'.format('a', 'b')", "'{x}!'.format(x='hi')", "'{:>5}'.format('ab')"])
  add(`{{ ${t} }}`, V('str', 'text', 'path', 'url', 'json', 'dict', 'users', 'empty', 'nul', 't', 'list'));
// methods
for (const t of ["str.startswith('he')", "str.startswith(('x', 'h'))", "str.endswith('lo')", "str.upper()", "str.lower()", "str.title()", "str.capitalize()", "str.replace('l', '')",
  "str.find('l')", "str.find('z')", "str.index('e')", "str.count('l')", "str.split('l')", "str.rsplit('l', 1)", "'  x  '.strip()", "'xxhixx'.strip('x')", "'  x'.lstrip()", "'x  '.rstrip()",
  "text.splitlines()", "'a,b'.split(',')", "' a  b '.split()", "','.join(['a', 'b'])", "'5'.zfill(3)", "'-5'.zfill(3)", "'123'.isdigit()", "'abc'.isalpha()", "'ab1'.isalnum()", "' '.isspace()",
  "'Abc'.islower()", "'ABC'.isupper()", "dict.keys() | list", "dict.values() | list", "dict.items() | list", "dict.get('a')", "dict.get('z', 'dflt')", "dict.get('z')", "list.index(2)",
  "list.count(1)", "users[0].get('name')", "users[0].keys() | list | sort", "'a-b-c'.split('-', 1)", "str.center(9, '*')", "str.ljust(7, '.')", "str.rjust(7)", "'ab'.partition('a')"])
  add(`{{ ${t} }}`, V('str', 'text', 'dict', 'list', 'users'));
// tests
for (const t of ["str is string", "num is string", "num is number", "num is integer", "str is number", "t is boolean", "num is boolean", "nul is none", "str is none", "dict is mapping",
  "list is mapping", "list is sequence", "str is sequence", "dict is iterable", "num is iterable", "list is iterable", "num is divisibleby 7", "num is divisibleby(5)", "num is even", "num is odd",
  "num is eq 42", "num is ne 42", "num is lt 50", "num is gt 50", "num is le 42", "num is ge 43", "num is sameas 42", "t is sameas true", "t is true", "f is false", "1 is true",
  "'b' is in ['a', 'b']", "2 is in list", "ver is version('2.10', '>=')", "ver is version('2.14.1', '==')", "ver is version('3', 'lt')", "ver is version_compare('2.9', 'gt')",
  "'1.0.0-rc1' is version('1.0.0', '<', version_type='semver')", "str is match('h')", "str is match('e')", "str is search('e')", "str is regex('l+')", "'A\\nb' is search('^b', multiline=True)",
  "list is contains 2", "list is contains(5)", "[1, 2] is subset([1, 2, 3])", "[1, 2, 3] is superset([1])", "[true, 1] is all", "[0, ''] is any", "[0, 1] is any", "empty is truthy",
  "str is truthy", "empty is falsy", "url is url", "'notaurl' is url", "url is uri", "'urn:isbn:0451450523' is urn", "{'changed': true} is changed", "{'changed': false} is changed",
  "{'failed': true} is failed", "{'failed': false} is success", "{'failed': false} is succeeded", "{'skipped': true} is skipped", "{} is finished", "{'results': [{'changed': true}]} is changed",
  "str is failed", "{'unreachable': true} is unreachable", "{} is reachable", "missing is defined", "missing is undefined", "num is not string", "str is not defined",
  "path is abs", "'rel/x' is abs", "'/' is directory", "'/etc/hostname' is file", "'/nonexistent' is exists", "(0.0 / 1) is nan"])
  add(`{{ ${t} }}`, V('str', 'num', 't', 'f', 'nul', 'dict', 'list', 'ver', 'empty', 'url', 'path'));
// operators, truthiness, comparison, literals
for (const t of ["1 + 2", "'a' + 'b'", "[1] + [2]", "'a' ~ 1 ~ none", "10 - 3", "3 * 4", "'ab' * 2", "[1] * 2", "7 / 2", "7 // 2", "-7 // 2", "7 % 3", "-7 % 3", "2 ** 8", "-num",
  "num > 10 and num < 100", "num > 50 or 'fallback'", "not num", "not empty", "list or 'x'", "empty or 'x'", "{} or 'x'", "[] and 'x'", "'x' if list else 'y'", "'x' if [] else 'y'",
  "'x' if nul else 'y'", "num == 42.0", "'42' == num", "[1, 2] == [1, 2]", "{'a': 1} == {'a': 1}", "(1, 2) == [1, 2]", "1 < 2 < 3", "3 > 2 > 2", "'abc' < 'abd'", "[1, 2] < [1, 3]",
  "'a' in 'cat'", "'z' not in 'cat'", "1 in list", "'a' in dict", "'b' in dict.keys()", "none", "None", "True", "false", "[None, True]", "(1, 2)", "(1,)", "{'k': [1, {'x': none}]}",
  "range(3) | list", "range(1, 7, 2) | list", "range(5, 0, -1) | list", "range(0)", "list | length > 2", "(list | length) > 2", "list[0] + list[1]", "users[0].name", "users[1]['age']",
  "users.0.name", "nested.1.1.0", "dict['a'] + dict.b", "lookup('env', 'HOME') is string", "query('items', [1, 2])", "lookup('items', [1, 2], wantlist=True)", "q('list', 1, 2)",
  "lookup('vars', 'num')", "lookup('sequence', 'start=1 end=3') ", "query('sequence', 'count=3')", "lookup('indexed_items', ['a', 'b'])", "lookup('dict', {'a': 1})",
  "lookup('nested', [1, 2], ['a'])", "lookup('together', [1, 2], ['a', 'b'])", "lookup('env', 'NO_SUCH_VAR_HOPEFULLY')", "lookup('nosuchlookup', 'x')"])
  add(`{{ ${t} }}`, V('num', 'empty', 'nul', 'list', 'dict', 'users', 'nested'));
// text (non-single-expression) templates
for (const t of ["x={{ num }}", "{{ num }}-{{ str }}", "[{{ num }}, {{ num }}]", "{{ list }} items", "{{ dict }}!", "{{ t }}", "v: {{ nul }}", "{% if list %}yes{% else %}no{% endif %}",
  "{% for u in users %}{{ u.name }}{% if not loop.last %},{% endif %}{% endfor %}", "{% for k, v in dict.items() %}{{ k }}{{ v }}{% endfor %}", "{% set x = num * 2 %}{{ x }}",
  "{%- if true -%} a {%- endif -%}", "{{ 'a' }}\n", "line\n{% if true %}\nbody\n{% endif %}\nend", "{# comment #}kept", "{% raw %}{{ not templated }}{% endraw %}",
  "{{ list | length }} of {{ users | length }}", "{{ '%-5s|' % 'ab' }}", "{% for i in range(3) %}{{ loop.index }}{{ loop.first }}{% endfor %}", "{% for x in [] %}a{% else %}empty{% endfor %}",
  "{{ users | map(attribute='name') | list }}", "{{ 'yes' }}", "{{ 'False' }}", "{{ '[1, 2]' }}", "{{ '{\"a\": 1}' }}", "{{ 'none' }}", "prefix {{ users[0] }}"])
  add(t, V('num', 'str', 'list', 'dict', 't', 'nul', 'users'));
// errors Ansible reports
for (const t of ["1 + 'a'", "1 < 'a'", "1 // 0", "1 % 0", "[] | first", "[] | last", "missing_var", "{} | first", "num | nosuchfilter", "num is nosuchtest", "'a' | from_json", "users | max(attribute='nope')",
  "users | sort(attribute='nope')", "num | int(base=2)", "'x' | int", "'3.7' | int", "'3.7' | float | int", "'0x1F' | int(base=16)", "'0b101' | int(base=2)", "'12abc' | int", "'1e3' | int",
  "True | int", "None | int", "num | bool", "'Off' | bool", "'y' | bool", "0 | bool", "'true' | bool | type_debug", "range(100001) | list | length", "'%d' % 'x'", "'{' ~ '}'"])
  add(`{{ ${t} }}`, V('num', 'users'));

writeFileSync(new URL('./cases.json', import.meta.url), JSON.stringify({ generator: 'test/golden/templating/generate.mjs', count: cases.length, cases }, null, 1) + '\n');
console.log(`${cases.length} cases`);
