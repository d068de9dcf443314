#!/usr/bin/python3
"""Records what ansible-core's InventoryManager answers for each case of cases.json against
../core/inventory/patterns.ini: the hosts a play's `hosts:` pattern selects under an optional --limit, the
warnings printed on the way, or the error. Run with the python3 that ansible-playbook uses (/usr/bin/python3)."""
import json
import os

from ansible.inventory import manager
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)  # @file limits are relative to the working directory
warnings = []
manager.display.warning = lambda msg, formatted=False: warnings.append(msg)
with open('cases.json') as f:
    cases = json.load(f)
out = []
for case in cases:
    inventory = InventoryManager(loader=DataLoader(), sources=['../core/inventory/patterns.ini'])
    warnings.clear()
    result = dict(case)
    try:
        inventory.subset(case.get('limit'))
        result['hosts'] = [h.name for h in inventory.get_hosts(case['pattern'])]
    except Exception as e:  # Ansible's own errors are part of what is recorded
        result['error'] = str(e).split('\n')[0]
    result['warnings'] = list(warnings)
    out.append(result)
with open('patterns.ansible-2.14.json', 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
