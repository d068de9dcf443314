"""Loads YAML files with Ansible's own loader (AnsibleLoader: libyaml's CParser with Ansible's constructors) and
prints each file's documents as tagged JSON, one line per file, for scripts/yaml-compare.mjs and
scripts/yaml-record.mjs.

Input on stdin: one path per line. Output: one JSON object per line, {"file": ..., "documents": [...]} or
{"file": ..., "error": problem, "line": n, "column": n}. Values: str as a JSON string; {"int": "..."},
{"float": "..."}, {"bool": b} not needed (JSON booleans), null; {"timestamp": "..."}, {"binary": base64},
{"set": [...]}, {"unsafe": "..."}, {"vault": "..."}; lists; mappings as {"map": [[key, value], ...]}.
"""
import base64
import datetime
import json
import math
import sys
import warnings

from ansible.parsing.yaml.loader import AnsibleLoader
from ansible.parsing.yaml.objects import AnsibleVaultEncryptedUnicode
from ansible.utils.unsafe_proxy import AnsibleUnsafe
from yaml import YAMLError


def encode(value, seen):
    if id(value) in seen and isinstance(value, (list, dict)):
        return {"cycle": True}
    if isinstance(value, AnsibleVaultEncryptedUnicode):
        return {"vault": value._ciphertext.decode()}
    if isinstance(value, AnsibleUnsafe):
        return {"unsafe": str(value)}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"float": "nan" if math.isnan(value) else repr(value)}
    if isinstance(value, (datetime.date, datetime.datetime)):
        return {"timestamp": str(value)}
    if isinstance(value, bytes):
        return {"binary": base64.b64encode(value).decode()}
    if isinstance(value, (set, frozenset)):
        return {"set": sorted(json.dumps(encode(v, seen)) for v in value)}
    if isinstance(value, tuple):
        return {"tuple": [encode(v, seen) for v in value]}
    inner = seen | {id(value)}
    if isinstance(value, list):
        return [encode(v, inner) for v in value]
    if isinstance(value, dict):
        return {"map": [[encode(k, inner), encode(v, inner)] for k, v in value.items()]}
    return {"python": type(value).__name__}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return {"error": "not UTF-8: " + str(e)}
    loader = AnsibleLoader(text, file_name=path)
    try:
        documents = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            while loader.check_data():
                documents.append(encode(loader.get_data(), frozenset()))
        return {"documents": documents}
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        result = {"error": getattr(e, "problem", None) or str(e)}
        if mark is not None:
            result.update(line=mark.line + 1, column=mark.column + 1)
        return result
    except Exception as e:  # a constructor's own failure (e.g. a merge of a scalar)
        return {"error": "%s: %s" % (type(e).__name__, e)}
    finally:
        loader.dispose()


for line in sys.stdin:
    path = line.rstrip("\n")
    if path:
        out = load(path)
        out["file"] = path
        print(json.dumps(out), flush=True)
