#!/usr/bin/python3
# Prints the SIGNATURES table of filters/signatures.ts: each filter's Python function, its hidden leading
# parameters (Jinja2's environment/eval_ctx), its parameter names and how many are required, as Jinja2 3.1 and
# ansible-core 2.14 define them (run with the Python that runs ansible-playbook). Filters taking *args or **kwargs
# and Python builtins are left out: filters/signatures.ts words those by hand.
import inspect, jinja2.filters as jf
from ansible.plugins.filter.core import FilterModule as Core
from ansible.plugins.filter.mathstuff import FilterModule as Math
from ansible.plugins.filter.urls import FilterModule as Urls
from ansible.plugins.filter.urlsplit import FilterModule as Urlsplit
from ansible.plugins.filter.encryption import FilterModule as Enc
tables = [('jinja2', jf.FILTERS)] + [(m.__name__, m().filters()) for m in (Core, Math, Urls, Urlsplit, Enc)]
out = {}
for origin, table in tables:
  for name, fn in table.items():
    f = inspect.unwrap(fn)
    try: sig = inspect.signature(f)
    except Exception: continue
    if not hasattr(f, '__code__'): continue
    ps = list(sig.parameters.values())
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY, p.POSITIONAL_ONLY) for p in ps): continue
    hidden = 1 if getattr(f,'jinja_pass_arg',None) is not None else 0
    names = [p.name for p in ps]
    required = sum(1 for p in ps if p.default is p.empty)
    out[name] = (f.__code__.co_name, hidden, names, required)
out.pop("type_debug", None)  # a lambda
for k in sorted(out):
  fn, hidden, names, required = out[k]
  print(f"  {k}: ['{fn}', {hidden}, '{' '.join(names)}', {required}],")
