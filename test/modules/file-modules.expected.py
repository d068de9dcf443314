# Records file-modules.expected.json from ansible-core 2.14: AnsibleModule._symbolic_mode_to_octal (umask 022) and
# CallbackBase._get_diff. Run: /usr/bin/python3 test/modules/file-modules.expected.py > test/modules/file-modules.expected.json
import json, os, stat, random
os.environ['ANSIBLE_NOCOLOR']='1'
from ansible.module_utils.basic import AnsibleModule
from ansible.plugins.callback import CallbackBase
os.umask(0o022)
class S:  # a stat result with only st_mode
    def __init__(self, m): self.st_mode = m
modes = ['u+x', 'u=rw,g=r,o=', 'a+X', '+x', 'go-w', 'u=g', 'o=u', 'u+s,g+s,+t', 'ug=rwx,o-rwx', '=r', 'g+w,o+w', 'u-rwx']
out = {'modes': []}
for base in (0o100644, 0o040755, 0o100700):
    for m in modes:
        out['modes'].append([base, m, AnsibleModule._symbolic_mode_to_octal(S(base), m)])
cb = CallbackBase()
random.seed(7)
words = ['alpha\n', 'beta\n', 'gamma\n', 'delta\n', 'eps\n', '\n', 'zeta\n']
diffs = []
for _ in range(40):
    a = ''.join(random.choice(words) for _ in range(random.randint(0, 25)))
    b = list(a.splitlines(True))
    for _ in range(random.randint(1, 4)):
        op = random.random()
        if op < 0.4 and b: b.pop(random.randrange(len(b)))
        elif op < 0.8: b.insert(random.randint(0, len(b)), random.choice(words))
        elif b: b[random.randrange(len(b))] = 'changed\n'
    b = ''.join(b)
    if random.random() < 0.2: b = b.rstrip('\n')
    d = {'before': a, 'after': b, 'before_header': 'x', 'after_header': 'y'}
    diffs.append([dict(d), cb._get_diff(d)])
diffs.append([{'before': {'path': '/p', 'mode': '0644'}, 'after': {'path': '/p', 'mode': '0600', 'state': 'file'}}, cb._get_diff({'before': {'path': '/p', 'mode': '0644'}, 'after': {'path': '/p', 'mode': '0600', 'state': 'file'}})])
diffs.append([[{'dst_binary': 1}, {'src_larger': 104448}, {'before': 'a', 'after': 'a'}, {'prepared': 'ready\n'}], cb._get_diff([{'dst_binary': 1}, {'src_larger': 104448}, {'before': 'a', 'after': 'a'}, {'prepared': 'ready\n'}])])
out['diffs'] = diffs
print(json.dumps(out, indent=1))
