// The Python Ansible would run its setup module with on this machine, found as interpreter discovery finds it
// (INTERPRETER_PYTHON_FALLBACK on PATH, the distribution's own from _INTERPRETER_PYTHON_DISTRO_MAP first) and
// asked to describe itself in a child process, once per run. Without any Python, Ansible could not gather at
// all; tsible then leaves out the facts only that Python could give (python, python_version, selinux).
import { binPath, runCommand, type Gathering } from './sources.js';

const FALLBACK = [
  'python3.11',
  'python3.10',
  'python3.9',
  'python3.8',
  'python3.7',
  'python3.6',
  'python3.5',
  '/usr/bin/python3',
  '/usr/libexec/platform-python',
  'python2.7',
  '/usr/bin/python',
  'python',
];

/** Distribution id -> the release from which a Python path is its platform Python. */
const DISTRO_MAP: Record<string, Record<string, string>> = {
  redhat: { '6': '/usr/bin/python', '8': '/usr/libexec/platform-python', '9': '/usr/bin/python3' },
  debian: { '8': '/usr/bin/python', '10': '/usr/bin/python3' },
  fedora: { '23': '/usr/bin/python3' },
  ubuntu: { '14': '/usr/bin/python', '16': '/usr/bin/python3' },
};
const FAMILY_OF: Record<string, string> = { centos: 'redhat', rhel: 'redhat', rocky: 'redhat', almalinux: 'redhat' };

/** The entry for the newest release at or below the version (_version_fuzzy_match), else the oldest. */
function fuzzyMatch(version: string, map: Record<string, string>): string | undefined {
  if (map[version]) return map[version];
  const num = (v: string) => v.split('.').map(Number);
  const older = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
    return false;
  };
  const keys = Object.keys(map).sort((a, b) => (older(num(a), num(b)) ? -1 : 1));
  const below = keys.filter((k) => !older(num(version), num(k)));
  return map[below.at(-1) ?? keys[0]!];
}

/** The interpreter discovery would pick, undefined when there is none. */
export function discoverPython(g: Gathering, distro: { id: string; version: string }): string | undefined {
  const found = FALLBACK.map((name) =>
    name.startsWith('/')
      ? binPath(name.slice(name.lastIndexOf('/') + 1), { PATH: name.slice(0, name.lastIndexOf('/')) })
      : binPath(name, { PATH: g.env.PATH }),
  );
  const first = found.find((f) => f !== undefined);
  const map = DISTRO_MAP[distro.id] ?? DISTRO_MAP[FAMILY_OF[distro.id] ?? ''];
  const platform = map ? fuzzyMatch(distro.version, map) : undefined;
  return platform && found.includes(platform) ? platform : first;
}

// What the collectors read inside Python: sys, platform, ssl and the selinux bindings
const SCRIPT = `
import sys, json, platform
try:
    from ssl import create_default_context, SSLContext
    ssl = True
except ImportError:
    ssl = False
out = {'version_info': list(sys.version_info), 'executable': sys.executable, 'has_sslcontext': ssl,
       'type': getattr(getattr(sys, 'implementation', None), 'name', None), 'python_version': platform.python_version()}
try:
    import selinux
except ImportError:
    out['selinux'] = None
else:
    out['selinux'] = {'status': 'enabled' if selinux.is_selinux_enabled() else 'disabled'}
print(json.dumps(out))
`;

interface Described {
  version_info: [number, number, number, string, number];
  executable: string;
  has_sslcontext: boolean;
  type: string | null;
  python_version: string;
  selinux: { status: string } | null;
}

const asked = new Map<string, Promise<Described | undefined>>();
/** The interpreter's own description, asked once per run. */
export function describePython(interpreter: string, g: Gathering): Promise<Described | undefined> {
  let p = asked.get(interpreter);
  if (!p) {
    p = runCommand(interpreter, ['-c', SCRIPT], g.env).then((res) => {
      try {
        return res && res.rc === 0 ? (JSON.parse(res.out) as Described) : undefined;
      } catch {
        return undefined;
      }
    });
    asked.set(interpreter, p);
  }
  return p;
}

/** python (and python_version for platform, selinux for its collector) as the interpreter describes itself. */
export function pythonFacts(d: Described): Record<string, unknown> {
  const [major, minor, micro, releaselevel, serial] = d.version_info;
  return {
    python: {
      version: { major, minor, micro, releaselevel, serial },
      version_info: d.version_info,
      executable: d.executable,
      has_sslcontext: d.has_sslcontext,
      type: d.type,
    },
  };
}

/** selinux and selinux_python_present, as the selinux bindings of that Python see them. */
export function selinuxFacts(d: Described | undefined): Record<string, unknown> {
  if (!d?.selinux) return { selinux: { status: 'Missing selinux Python library' }, selinux_python_present: false };
  return { selinux: d.selinux, selinux_python_present: true };
}
