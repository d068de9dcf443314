// The network collector on Linux (module_utils/facts/network/linux.py): every interface of /sys/class/net
// with its addresses, the default routes of /proc/net/route and /proc/net/ipv6_route, and the interfaces' facts.
import * as os from 'node:os';
import { readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { fileContent, listDir } from './sources.js';

type Facts = Record<string, unknown>;
type Iface = Record<string, unknown>;
const TYPES: Record<string, string> = {
  '1': 'ether',
  '32': 'infiniband',
  '512': 'ppp',
  '772': 'loopback',
  '65534': 'tunnel',
};

/** One interface as /sys/class/net describes it (without addresses). */
async function linkOf(name: string): Promise<Iface> {
  const dir = `/sys/class/net/${name}`;
  const read = (f: string) => fileContent(`${dir}/${f}`);
  const [mac, mtu, operstate, type, flags] = await Promise.all(
    ['address', 'mtu', 'operstate', 'type', 'flags'].map(read),
  );
  const iface: Iface = { device: name };
  if (mac && mac !== '00:00:00:00:00:00') iface.macaddress = mac;
  if (mtu) iface.mtu = Number(mtu);
  iface.active = operstate !== 'down';
  iface.type = TYPES[type ?? ''] ?? 'unknown';
  let device: string | undefined;
  try {
    device = readlinkSync(`${dir}/device`);
  } catch {
    // a virtual interface
  }
  if (device !== undefined) {
    iface.pciid = path.basename(device);
    const speed = await read('speed');
    iface.speed = speed === undefined ? -1 : Number(speed);
  }
  if (flags) iface.promisc = (parseInt(flags, 16) & 0x100) > 0;
  return iface;
}

const ipv4Network = (address: string, netmask: string): string =>
  address
    .split('.')
    .map((o, i) => String(Number(o) & Number(netmask.split('.')[i])))
    .join('.');

/** The addresses node's os module knows for one interface, as setup shapes them. */
function addressesOf(infos: os.NetworkInterfaceInfo[]): Iface {
  const out: Iface = {};
  const v4 = infos.filter((a) => a.family === 'IPv4');
  if (v4.length) {
    const [first, ...rest] = v4.map((a) => {
      const prefix = a.cidr?.split('/')[1] ?? '';
      const network = ipv4Network(a.address, a.netmask);
      const broadcast = a.internal
        ? ''
        : network
            .split('.')
            .map((o, i) => String(Number(o) | (~Number(a.netmask.split('.')[i]) & 255)))
            .join('.');
      return { address: a.address, broadcast, netmask: a.netmask, network, prefix };
    });
    out.ipv4 = first;
    if (rest.length) out.ipv4_secondaries = rest;
  }
  const v6 = infos.filter((a) => a.family === 'IPv6');
  if (v6.length)
    out.ipv6 = v6.map((a) => ({
      address: a.address,
      prefix: a.cidr?.split('/')[1] ?? '',
      scope: a.internal ? 'host' : a.address.startsWith('fe80') ? 'link' : 'global',
    }));
  return out;
}

/** The interface and gateway of the default route with the lowest metric, per family. */
async function defaultRoutes(): Promise<{ v4?: [string, string]; v6?: [string, string] }> {
  const out: { v4?: [string, string]; v6?: [string, string] } = {};
  let best = Infinity;
  for (const line of ((await fileContent('/proc/net/route')) ?? '').split('\n').slice(1)) {
    const [iface, dest, gw, , , , metric, mask] = line.trim().split(/\s+/);
    if (dest !== '00000000' || mask !== '00000000' || Number(metric) >= best) continue;
    best = Number(metric);
    const bytes = gw!
      .match(/../g)!
      .map((b) => parseInt(b, 16))
      .reverse();
    out.v4 = [iface!, bytes.join('.')];
  }
  best = Infinity;
  for (const line of ((await fileContent('/proc/net/ipv6_route')) ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^0+$/.test(f[0]!) || f[1] !== '00' || /^0+$/.test(f[4]!) || parseInt(f[5]!, 16) >= best)
      continue;
    best = parseInt(f[5]!, 16);
    const gw = f[4]!
      .match(/.{4}/g)!
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':');
    out.v6 = [f[9]!, gw.replace(/(^|:)0(:0)+(:|$)/, '::')];
  }
  return out;
}

/** The network collector's facts. */
export async function networkFacts(): Promise<Facts> {
  const names = await listDir('/sys/class/net');
  const infos = os.networkInterfaces();
  const ifaces = await Promise.all(names.map(async (n) => ({ ...(await linkOf(n)), ...addressesOf(infos[n] ?? []) })));
  const facts: Facts = { interfaces: names };
  for (const i of ifaces) facts[String(i.device).replace(/[-:.]/g, '_')] = i;
  const all = Object.values(infos).flat();
  facts.all_ipv4_addresses = all.filter((a) => a?.family === 'IPv4' && !a.internal).map((a) => a!.address);
  facts.all_ipv6_addresses = all.filter((a) => a?.family === 'IPv6' && !a.internal).map((a) => a!.address);
  const routes = await defaultRoutes();
  facts.default_ipv4 = defaultOf(ifaces, routes.v4, 'ipv4');
  facts.default_ipv6 = defaultOf(ifaces, routes.v6, 'ipv6');
  return facts;
}

function defaultOf(ifaces: Iface[], route: [string, string] | undefined, family: 'ipv4' | 'ipv6'): Facts {
  const iface = route && ifaces.find((i) => i.device === route[0]);
  if (!iface) return {};
  const addr = family === 'ipv4' ? (iface.ipv4 as Facts | undefined) : (iface.ipv6 as Facts[] | undefined)?.[0];
  const link = { interface: iface.device, macaddress: iface.macaddress, mtu: iface.mtu, type: iface.type };
  const alias = family === 'ipv4' ? { alias: iface.device } : {};
  return { ...addr, ...alias, gateway: route[1], ...link };
}
