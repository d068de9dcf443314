# Regenerates textwrap-cases.json: Python's textwrap.wrap as Ansible's Display calls it (warnings and errors with its
# defaults, deprecations with drop_whitespace=False) on texts with hyphenated, dashed, long and non-ASCII words,
# tabs and line breaks. Run: python3 textwrap-cases.py > textwrap-cases.json
import json, random, textwrap
random.seed(7)
words = ['foo', 'bar-baz', 'a-b-c', 'x--y', '--opt', 'long-hyphenated-word-that-goes-on', 'supercalifragilisticexpialidocious',
 'well-known', 'e-mail', '3-4', 'A1-b2', 'über-straße', 'naïve-ish', '—', 'hi!--there', 'end.', 'q?', '"quoted-word"', "it's-ok",
 'path/to/some-file.yml', '-', '---', 'a-', '-a', 'x_y-z', '[WARNING]:', 'ansible.builtin.some_module-name', 'ab-cd-ef-gh-ij-kl-mn-op-qr-st-uv-wx-yz']
seps = [' ', '  ', '\t', '\n', ' \n ', '\r\n']
cases = []
for i in range(200):
    n = random.randint(1, 15)
    text = ''.join(random.choice(words) + random.choice(seps) for _ in range(n)).rstrip() if i % 5 else ' ' + ''.join(random.choice(words) + ' ' for _ in range(n))
    width = random.choice([5, 10, 20, 33, 40, 79, 80])
    drop = random.random() < 0.7
    cases.append({'text': text, 'width': width, 'drop': drop, 'out': textwrap.wrap(text, width, drop_whitespace=drop)})
print(json.dumps(cases, ensure_ascii=False, separators=(",", ":")))
