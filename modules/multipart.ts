// uri's body_format=form-multipart: a mapping made into a multipart/form-data body as Ansible's prepare_multipart
// makes it with Python's email package (fields sorted by name, strings as text/plain, files base64-encoded, CRLF
// line ends, RFC 2231 parameters for non-ASCII names), and the MIME type guessed as Python's mimetypes guesses it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isDict, pyStr, typeName } from '../src/python/python.js';

/** Python 3.11's built-in mimetypes map (types_map and, as uri asks with strict=False, common_types), in the
 * mime.types format the system's files have. */
const BUILTIN_TYPES = `
application/javascript js mjs
application/json json
application/manifest+json webmanifest
application/msword doc dot wiz
application/n-quads nq
application/n-triples nt
application/octet-stream bin a dll exe o obj so
application/oda oda
application/pdf pdf
application/pkcs7-mime p7c
application/postscript ps ai eps
application/trig trig
application/vnd.apple.mpegurl m3u m3u8
application/vnd.ms-excel xls xlb
application/vnd.ms-powerpoint ppt pot ppa pps pwz
application/wasm wasm
application/x-bcpio bcpio
application/x-cpio cpio
application/x-csh csh
application/x-dvi dvi
application/x-gtar gtar
application/x-hdf hdf
application/x-hdf5 h5
application/x-latex latex
application/x-mif mif
application/x-netcdf cdf nc
application/x-pkcs12 p12 pfx
application/x-pn-realaudio ram
application/x-python-code pyc pyo
application/x-sh sh
application/x-shar shar
application/x-shockwave-flash swf
application/x-sv4cpio sv4cpio
application/x-sv4crc sv4crc
application/x-tar tar
application/x-tcl tcl
application/x-tex tex
application/x-texinfo texi texinfo
application/x-troff roff t tr
application/x-troff-man man
application/x-troff-me me
application/x-troff-ms ms
application/x-ustar ustar
application/x-wais-source src
application/xml xsl rdf wsdl xpdl
application/zip zip
audio/3gpp 3gp 3gpp
audio/3gpp2 3g2 3gpp2
audio/aac aac adts loas ass
audio/basic au snd
audio/mpeg mp3 mp2
audio/opus opus
audio/x-aiff aif aifc aiff
audio/x-pn-realaudio ra
audio/x-wav wav
image/avif avif
image/bmp bmp
image/gif gif
image/ief ief
image/jpeg jpg jpe jpeg
image/heic heic
image/heif heif
image/png png
image/svg+xml svg
image/tiff tiff tif
image/vnd.microsoft.icon ico
image/x-cmu-raster ras
image/x-portable-anymap pnm
image/x-portable-bitmap pbm
image/x-portable-graymap pgm
image/x-portable-pixmap ppm
image/x-rgb rgb
image/x-xbitmap xbm
image/x-xpixmap xpm
image/x-xwindowdump xwd
message/rfc822 eml mht mhtml nws
text/css css
text/csv csv
text/html html htm
text/n3 n3
text/plain txt bat c h ksh pl srt
text/richtext rtx
text/tab-separated-values tsv
text/vtt vtt
text/x-python py
text/x-setext etx
text/x-sgml sgm sgml
text/x-vcard vcf
text/xml xml
video/mp4 mp4
video/mpeg mpeg m1v mpa mpe mpg
video/quicktime mov qt
video/webm webm
video/x-msvideo avi
video/x-sgi-movie movie
application/rtf rtf
audio/midi midi mid
image/pict pict pct pic
text/xul xul
`;

/** mimetypes' suffix_map (a compressed tar's short forms) and encodings_map (compressions, not types). */
// prettier-ignore
const SUFFIXES: Record<string, string> = {
  svgz: '.svg.gz',
  tgz: '.tar.gz',
  taz: '.tar.gz',
  tz: '.tar.gz',
  tbz2: '.tar.bz2',
  txz: '.tar.xz',
};
const ENCODINGS = new Set(['gz', 'Z', 'bz2', 'xz', 'br']);
/** The files mimetypes reads at start, later ones overriding. */
// prettier-ignore
const KNOWN_FILES = [
  '/etc/mime.types',
  '/etc/httpd/mime.types',
  '/etc/httpd/conf/mime.types',
  '/etc/apache/mime.types',
  '/etc/apache2/mime.types',
  '/usr/local/etc/httpd/conf/mime.types',
  '/usr/local/lib/netscape/mime.types',
  '/usr/local/etc/httpd/conf/mime.types',
  '/usr/local/etc/mime.types',
];

const readIfThere = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

let typesMap: Map<string, string> | undefined;
function types(): Map<string, string> {
  if (typesMap) return typesMap;
  typesMap = new Map();
  for (const text of [BUILTIN_TYPES, ...KNOWN_FILES.map((f) => readIfThere(f))])
    for (const line of text.split('\n')) {
      const [type, ...exts] = line.replace(/#.*/, '').trim().split(/\s+/);
      for (const ext of exts) if (type) typesMap.set(ext, type);
    }
  return typesMap;
}

/** mimetypes.guess_type(name, strict=False)[0]: by the extension, compressions and tar short forms seen through. */
function guessType(name: string): string | undefined {
  let base = path.basename(name);
  let ext = path.extname(base).slice(1);
  while (SUFFIXES[ext]) {
    base = base.slice(0, -ext.length - 1) + SUFFIXES[ext];
    ext = path.extname(base).slice(1);
  }
  if (ENCODINGS.has(ext)) {
    base = base.slice(0, -ext.length - 1);
    ext = path.extname(base).slice(1);
  }
  if (!ext) return undefined;
  return types().get(ext) ?? types().get(ext.toLowerCase());
}

/** email's set_param: the value quoted, or in RFC 2231 form when it is not ASCII. */
function param(name: string, value: string): string {
  if (/^[\x00-\x7f]*$/.test(value)) return `; ${name}="${value.replace(/[\\"]/g, '\\$&')}"`;
  const encoded = [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9_.\-~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return `; ${name}*=utf-8''${encoded}`;
}

/** The email generator's line ends: every \r\n, \r or \n becomes \r\n. */
const crlf = (data: Buffer): Buffer => Buffer.from(data.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');

/** One form field's part: its headers and its payload. */
function part(field: string, value: unknown): Buffer {
  let filename: string | undefined;
  let mime = 'text/plain';
  let payload: Buffer;
  let encoding = '';
  if (typeof value === 'string') payload = crlf(Buffer.from(value, 'utf8'));
  else if (isDict(value)) {
    filename = value.filename ? pyStr(value.filename) : undefined;
    const content = value.content;
    if (!filename && !content) throw new Error('at least one of filename or content must be provided');
    mime = value.mime_type ? pyStr(value.mime_type) : (guessType(filename ?? '') ?? 'application/octet-stream');
    if (!content && filename) {
      encoding = 'Content-Transfer-Encoding: base64\r\n';
      payload = Buffer.from(base64Lines(readFileSync(filename)), 'latin1');
    } else payload = crlf(Buffer.from(pyStr(content), 'utf8'));
  } else throw new Error(`value must be a string, or mapping, cannot be type ${typeName(value)}`);
  const [main, sub = ''] = mime.split(/\/(.*)/s);
  const disposition = `Content-Disposition: form-data${param('name', field)}${filename !== undefined ? param('filename', path.basename(filename)) : ''}`;
  return Buffer.concat([
    Buffer.from(`${encoding}Content-Type: ${main}/${sub}\r\n${disposition}\r\n\r\n`, 'utf8'),
    payload,
  ]);
}

/** base64 in 76-character lines, each ended by a line break (email's encode_base64). */
const base64Lines = (data: Buffer): string =>
  (data.toString('base64').match(/.{1,76}/g) ?? []).map((l) => `${l}\r\n`).join('');

/** prepare_multipart: the Content-Type header (with its boundary) and the body, or the error uri reports. */
export function prepareMultipart(fields: Record<string, unknown>): { contentType: string; body: Buffer } {
  // random.randrange(sys.maxsize), zero-padded to 19 digits
  const token = BigInt.asUintN(63, randomBytes(8).readBigUInt64BE());
  const boundary = `===============${String(token).padStart(19, '0')}==`;
  const names = Object.keys(fields).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const chunks: Buffer[] = [];
  for (const name of names)
    chunks.push(Buffer.from(`--${boundary}\r\n`), part(name, fields[name]), Buffer.from('\r\n'));
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary="${boundary}"`, body: Buffer.concat(chunks) };
}
