// The hardware and virtual collectors on Linux (module_utils/facts/hardware/linux.py, virtual/linux.py):
// processors, memory, DMI, mounts, block devices, uptime, and what the machine runs in.
import * as os from 'node:os';
import { existsSync, statfs } from 'node:fs';
import { fileContent, listDir, type Gathering } from './sources.js';

type Facts = Record<string, unknown>;
const DMI = '/sys/devices/virtual/dmi/id/';
const DMI_FACTS: Record<string, string> = {
  bios_date: 'bios_date',
  bios_vendor: 'bios_vendor',
  bios_version: 'bios_version',
  board_asset_tag: 'board_asset_tag',
  board_name: 'board_name',
  board_serial: 'board_serial',
  board_vendor: 'board_vendor',
  board_version: 'board_version',
  chassis_asset_tag: 'chassis_asset_tag',
  chassis_serial: 'chassis_serial',
  chassis_vendor: 'chassis_vendor',
  chassis_version: 'chassis_version',
  form_factor: 'chassis_type',
  product_name: 'product_name',
  product_serial: 'product_serial',
  product_uuid: 'product_uuid',
  product_version: 'product_version',
  system_vendor: 'sys_vendor',
};

/** processor facts from /proc/cpuinfo (x86 style: physical ids, cores, siblings). */
async function cpuFacts(): Promise<Facts> {
  const text = (await fileContent('/proc/cpuinfo')) ?? '';
  const processor: string[] = [];
  const sockets = new Map<string, { cores: number; siblings: number }>();
  let physical = '0';
  let i = 0;
  for (const line of text.split('\n')) {
    const [k, v = ''] = line.split(':').map((s) => s.trim());
    if (k === 'processor') processor.push(String(i++));
    else if (k === 'vendor_id' || k === 'model name') processor.push(v);
    else if (k === 'physical id') physical = v;
    else if (k === 'cpu cores')
      sockets.set(physical, { ...(sockets.get(physical) ?? { siblings: 1 }), cores: Number(v) });
    else if (k === 'siblings')
      sockets.set(physical, { ...(sockets.get(physical) ?? { cores: 1 }), siblings: Number(v) });
  }
  const count = sockets.size || i;
  const first = [...sockets.values()][0] ?? { cores: 1, siblings: 1 };
  const cores = sockets.size ? first.cores : 1;
  const threads = sockets.size ? first.siblings / first.cores : 1;
  return {
    processor,
    processor_count: count,
    processor_cores: cores,
    processor_threads_per_core: threads,
    processor_vcpus: sockets.size ? threads * cores * count : i,
    processor_nproc: os.availableParallelism?.() ?? os.cpus().length,
  };
}

/** memtotal_mb, memfree_mb, swap and memory_mb from /proc/meminfo (kB, divided by 1024). */
async function memoryFacts(): Promise<Facts> {
  const m: Record<string, number> = {};
  for (const line of ((await fileContent('/proc/meminfo')) ?? '').split('\n')) {
    const [k, v] = line.split(':');
    if (k && v) m[k.toLowerCase()] = Math.floor(Number(v.trim().split(/\s+/)[0]) / 1024);
  }
  const [total = 0, free = 0, buffers = 0, cached = 0] = ['memtotal', 'memfree', 'buffers', 'cached'].map((k) => m[k]);
  const [swapTotal = 0, swapFree = 0, swapCached = 0] = ['swaptotal', 'swapfree', 'swapcached'].map((k) => m[k]);
  return {
    memtotal_mb: total,
    memfree_mb: free,
    swaptotal_mb: swapTotal,
    swapfree_mb: swapFree,
    memory_mb: {
      real: { total, used: total - free, free },
      nocache: { free: free + buffers + cached, used: total - free - buffers - cached },
      swap: { total: swapTotal, free: swapFree, used: swapTotal - swapFree, cached: swapCached },
    },
  };
}

/** The DMI strings, 'NA' where the kernel gives none. */
async function dmiFacts(): Promise<Facts> {
  const entries = await Promise.all(
    Object.entries(DMI_FACTS).map(async ([fact, file]) => [fact, (await fileContent(DMI + file)) ?? 'NA'] as const),
  );
  return Object.fromEntries(entries);
}

/** mounts: the real file systems of /etc/mtab (/proc/mounts) with statvfs's sizes. */
async function mountFacts(): Promise<Facts> {
  const text = (await fileContent('/etc/mtab')) ?? (await fileContent('/proc/mounts')) ?? '';
  const rows = text.split('\n').map((l) => l.split(' '));
  const real = rows.filter((r) => r.length >= 4 && (r[0]!.startsWith('/') || r[0]!.includes(':/')) && r[2] !== 'none');
  const mounts = await Promise.all(real.map((r) => mountOf(r.map((f) => f.replace(/\\040/g, ' ')))));
  return { mounts };
}

function mountOf([device, mount, fstype, options]: string[]): Promise<Facts> {
  return new Promise((resolve) =>
    statfs(mount!, (err, s) => {
      const sizes = err
        ? {}
        : {
            size_total: s.bsize * s.blocks,
            size_available: s.bsize * s.bavail,
            block_size: s.bsize,
            block_total: s.blocks,
            block_available: s.bavail,
            block_used: s.blocks - s.bavail,
            inode_total: s.files,
            inode_available: s.ffree,
            inode_used: s.files - s.ffree,
          };
      resolve({ mount, device, fstype, options, ...sizes, uuid: 'N/A' });
    }),
  );
}

/** devices and device_links: the block devices of /sys/block. */
async function deviceFacts(): Promise<Facts> {
  const names = (await listDir('/sys/block')).sort();
  const devices = await Promise.all(names.map(deviceOf));
  return {
    devices: Object.fromEntries(names.map((n, i) => [n, devices[i]])),
    device_links: { ids: {}, uuids: {}, labels: {}, masters: {} },
  };
}

const DEVICE_FILES = [
  'size',
  'queue/logical_block_size',
  'queue/scheduler',
  'device/vendor',
  'device/model',
  'removable',
  'queue/discard_granularity',
  'queue/rotational',
];

async function deviceOf(name: string): Promise<Facts> {
  const [size, blockSize, sched, vendor, model, removable, discard, rotational] = await Promise.all(
    DEVICE_FILES.map((f) => fileContent(`/sys/block/${name}/${f}`)),
  );
  const sectors = Number(size ?? 0);
  const sectorsize = blockSize ?? '512';
  return {
    virtual: 1,
    links: { ids: [], uuids: [], labels: [], masters: [] },
    vendor: vendor ?? null,
    model: model ?? null,
    sas_address: null,
    sas_device_handle: null,
    removable: removable ?? '',
    support_discard: discard ?? '',
    partitions: {},
    rotational: rotational ?? '',
    scheduler_mode: /\[(.*)\]/.exec(sched ?? '')?.[1] ?? '',
    sectors: String(sectors),
    sectorsize,
    size: bytesToHuman(sectors * Number(sectorsize)),
    host: '',
    holders: [],
  };
}

/** bytes_to_human: two decimals and the largest unit under 1024 of the value. */
function bytesToHuman(size: number): string {
  const units = ['Bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  let i = 0;
  while (i < units.length - 1 && size >= 1024 ** (i + 1)) i++;
  return `${(size / 1024 ** i).toFixed(2)} ${units[i]}`;
}

/** The hardware collector's facts. */
export async function hardwareFacts(g: Gathering): Promise<Facts> {
  const parts = await Promise.all([cpuFacts(), memoryFacts(), dmiFacts(), mountFacts(), deviceFacts()]);
  const uptime = Number(((await fileContent('/proc/uptime')) ?? '0').split(' ')[0]);
  const lvm = g.env.PATH !== undefined && existsSync('/sbin/vgs') && process.geteuid?.() === 0 ? {} : 'N/A';
  return Object.assign({}, ...parts, { uptime_seconds: Math.floor(uptime), lvm });
}

/** The virtual collector's facts, from the files LinuxVirtual reads first (containers, then DMI). */
export async function virtualFacts(): Promise<Facts> {
  const guest = new Set<string>();
  const host = new Set<string>();
  let type = 'NA';
  let role = 'NA';
  const guestOf = (t: string) => {
    guest.add(t);
    if (type === 'NA') [type, role] = [t, 'guest'];
  };
  if (existsSync('/proc/1/cgroup')) {
    const cgroup = (await fileContent('/proc/1/cgroup')) ?? '';
    if (/\/docker\/|\/ecs\//.test(cgroup)) guestOf('docker');
    else if (/\/lxc\/|\/machine\.slice\/machine-lxc/.test(cgroup)) guestOf('lxc');
    else if (/\/system\.slice\/containerd\.service/.test(cgroup)) guestOf('containerd');
  }
  if (existsSync('/.dockerenv') || existsSync('/.dockerinit')) guestOf('docker');
  const env1 = (await fileContent('/proc/1/environ')) ?? '';
  if (/container=lxc/.test(env1)) guestOf('lxc');
  if (/container=podman/.test(env1)) guestOf('podman');
  if (guest.size) guest.add('container');
  if (existsSync('/proc/modules') && /^kvm /m.test((await fileContent('/proc/modules')) ?? '')) host.add('kvm');
  else if (/kvm/.test((await fileContent('/sys/devices/virtual/misc/kvm/dev')) ?? '') || existsSync('/dev/kvm'))
    host.add('kvm');
  return {
    virtualization_type: type,
    virtualization_role: role,
    virtualization_tech_guest: [...guest].sort(),
    virtualization_tech_host: [...host].sort(),
  };
}
