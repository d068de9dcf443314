# Regenerates diff-cases.json: Python difflib's unified_diff as CallbackBase._get_diff calls it (headers, no dates,
# three lines of context, "No newline at end of file" markers, a blank line after a diff). Run: python3 diff-cases.py
import difflib, json, os

def lines(n, skip=(), change=None):
    return "".join((change.get(i, f"l{i}") if change else f"l{i}") + "\n" for i in range(1, n + 1) if i not in skip)

CASES = [
    ("one line changed", "a\nb\nc\n", "a\nB\nc\n"),
    ("no newline at end", "x", "x\ny\n"),
    ("created", "", "first\n"),
    ("far apart", lines(20), lines(20, skip=(2,), change={19: "L19"})),
    ("moved block", "a\nb\nc\nd\ne\nf\n", "d\ne\nf\na\nb\nc\n"),
    ("repeated lines", "x\nx\ny\nx\nx\n", "x\ny\ny\nx\n"),
    ("autojunk", "".join("same\n" if i % 2 else f"v{i}\n" for i in range(300)),
     "".join("same\n" if i % 2 else f"v{i}\n" for i in range(300) if i != 150) + "tail\n"),
    ("nothing changed", "a\n", "a\n"),
]
out = []
for name, before, after in CASES:
    b, a = before.splitlines(True), after.splitlines(True)
    for side in (b, a):
        if side and not side[-1].endswith("\n"):
            side[-1] += "\n\\ No newline at end of file\n"
    text = "".join(difflib.unified_diff(b, a, fromfile="before: f", tofile="after: f", fromfiledate="", tofiledate="", n=3))
    out.append({"name": name, "before": before, "after": after, "expected": text + ("\n" if text else "")})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "diff-cases.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
