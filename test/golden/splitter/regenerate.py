#!/usr/bin/python3
"""Records what ansible-core's parse_kv answers for each case of cases.json (free-form text, check_raw):
the options and _raw_params, or the first line of the error. Run with the python3 that ansible-playbook uses (/usr/bin/python3)."""
import json
import os

from ansible.parsing.splitter import parse_kv

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'cases.json')) as f:
    cases = json.load(f)
out = []
for text, check_raw in cases:
    try:
        result = parse_kv(text, check_raw=check_raw)
    except Exception as e:  # the parser's own errors are part of what is recorded
        result = {'error': str(e).split('\n')[0]}
    out.append({'text': text, 'check_raw': check_raw, 'result': result})
with open(os.path.join(here, 'parse-kv.ansible-2.14.json'), 'w') as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write('\n')
