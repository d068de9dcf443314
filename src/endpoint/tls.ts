// A self-signed certificate for the endpoint's HTTPS, made in-process: Node's crypto makes keys and signatures but
// not X.509 certificates, and openssl may be missing, so the certificate's DER is written here. It is its own CA
// (clients trust it through AWS_CA_BUNDLE, NODE_EXTRA_CA_CERTS or the SDK's ca option) and names localhost,
// 127.0.0.1 and ::1, which resolve to loopback without a network (a name like localhost.localstack.cloud needs DNS).
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** A DER element: tag, definite length, contents. */
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const sequence = (...parts: Buffer[]) => der(0x30, ...parts);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** A positive INTEGER from big-endian bytes (a leading zero keeps the sign bit clear). */
const integer = (bytes: Buffer) => der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const bitString = (bytes: Buffer) => der(0x03, Buffer.from([0]), bytes);
const octetString = (bytes: Buffer) => der(0x04, bytes);

/** UTCTime until 2049, GeneralizedTime after (RFC 5280, 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(iso.slice(2))) : der(0x18, Buffer.from(iso));
}

const extension = (id: string, critical: boolean, value: Buffer) =>
  sequence(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), octetString(value));

/** The SubjectAltName entries: DNS names ([2]) and IPv4/IPv6 addresses ([7]). */
function altNames(hosts: readonly string[]): Buffer {
  return sequence(
    ...hosts.map((h) => {
      if (/^\d+\.\d+\.\d+\.\d+$/.test(h)) return der(0x87, Buffer.from(h.split('.').map(Number)));
      if (h === '::1') return der(0x87, Buffer.from([...Array(15).fill(0), 1]));
      return der(0x82, Buffer.from(h, 'ascii'));
    }),
  );
}

/** A P-256 key and a certificate for it (both PEM), valid from a day ago for `days`, able to act as its own CA. */
export function selfSignedCertificate(
  hosts: readonly string[] = ['localhost', '127.0.0.1', '::1'],
  days = 365,
): { readonly key: string; readonly cert: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // the key identifier: SHA-1 of the subjectPublicKey bits (RFC 5280, 4.2.1.2, method 1); the point is the
  // SPKI's last 65 bytes for P-256
  const keyId = createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
  const name = sequence(der(0x31, sequence(oid('2.5.4.3'), der(0x0c, Buffer.from('tsible local-aws')))));
  const ecdsaSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const now = Date.now();
  const extensions = [
    extension('2.5.29.19', true, sequence(der(0x01, Buffer.from([0xff])))), // basicConstraints: CA
    extension('2.5.29.15', true, der(0x03, Buffer.from([0x02, 0x84]))), // keyUsage: digitalSignature, keyCertSign
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    extension('2.5.29.17', false, altNames(hosts)),
    extension('2.5.29.14', false, octetString(keyId)),
    extension('2.5.29.35', false, sequence(der(0x80, keyId))),
  ];
  const tbs = sequence(
    der(0xa0, integer(Buffer.from([2]))), // version 3
    integer(randomBytes(16)),
    ecdsaSha256,
    name,
    sequence(time(new Date(now - 86_400_000)), time(new Date(now + days * 86_400_000))),
    name,
    spki,
    der(0xa3, sequence(...extensions)),
  );
  const certificate = sequence(tbs, ecdsaSha256, bitString(sign('sha256', tbs, privateKey)));
  const pem = certificate.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    cert: `-----BEGIN CERTIFICATE-----\n${pem.trimEnd()}\n-----END CERTIFICATE-----\n`,
  };
}
