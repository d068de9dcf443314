#!/usr/bin/python3
"""Writes names.ansible-2.14.json: every filter, test and lookup that ansible-core (ansible.builtin) and Jinja2's
defaults provide, as the installed Ansible lists them. Run with the Python that has Ansible:
    /usr/bin/python3 test/golden/plugins/list-names.py
CI never runs this; test/template/plugin-names.test.ts checks tsible against the recorded list."""
import json
import os

import jinja2
import jinja2.defaults
from ansible.plugins.loader import filter_loader, lookup_loader, test_loader
from ansible.release import __version__


def jinja_plugins(loader):
    """The Jinja2 plugins ansible.builtin ships, by short name (their FQCN is ansible.builtin.<name>)."""
    names = set()
    for plugin in loader.all():
        fqcn = plugin.ansible_name
        if fqcn.startswith('ansible.builtin.'):
            names.add(fqcn[len('ansible.builtin.'):])
    return sorted(names)


def lookups():
    return sorted(os.path.splitext(os.path.basename(p))[0] for p in lookup_loader.all(path_only=True))


doc = {
    'generator': 'test/golden/plugins/list-names.py',
    'ansible': __version__,
    'jinja2': jinja2.__version__,
    'jinja2_filters': sorted(jinja2.defaults.DEFAULT_FILTERS),
    'jinja2_tests': sorted(jinja2.defaults.DEFAULT_TESTS),
    'filters': jinja_plugins(filter_loader),
    'tests': jinja_plugins(test_loader),
    'lookups': lookups(),
}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'names.ansible-2.14.json'), 'w') as out:
    json.dump(doc, out, indent=1)
    out.write('\n')
print('%d Jinja2 filters, %d Jinja2 tests, %d filters, %d tests, %d lookups' % tuple(
    len(doc[k]) for k in ('jinja2_filters', 'jinja2_tests', 'filters', 'tests', 'lookups')))
