// PyYAML's implicit resolvers (YAML 1.1) and its constructors of the scalar types, as Ansible's loader uses them.
import { pyFloat } from '../python/python.js';

const BOOL_TRUE = new Set(['yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const INT_RE =
  /^(?:[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const TIMESTAMP_RE =
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;
const TIMESTAMP_PARTS =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/;

type PlainKind = 'null' | 'bool' | 'int' | 'float' | 'timestamp' | 'merge' | 'value' | 'yaml' | 'str';

/** Which of PyYAML's implicit resolvers claims a plain scalar ('str' when none does). */
export function plainScalarKind(text: string): PlainKind {
  if (NULLS.has(text)) return 'null';
  if (BOOL_TRUE.has(text) || BOOL_FALSE.has(text)) return 'bool';
  if (FLOAT_RE.test(text)) return 'float';
  if (INT_RE.test(text)) return 'int';
  if (TIMESTAMP_RE.test(text)) return 'timestamp';
  if (text === '<<') return 'merge';
  if (text === '=') return 'value';
  if (text === '!' || text === '&' || text === '*') return 'yaml';
  return 'str';
}

const p2 = (n: string | number) => String(n).padStart(2, '0');

function sexagesimal(text: string): number {
  let value = 0;
  for (const part of text.split(':')) value = value * 60 + Number(part);
  return value;
}

/** The sign of a number's text, and the text without it. */
function signed(text: string): [number, string] {
  const t = text.replace(/_/g, '');
  if (t[0] === '-') return [-1, t.slice(1)];
  return [1, t[0] === '+' ? t.slice(1) : t];
}

/** construct_yaml_int: undefined when Python's int() would refuse the text. */
export function constructInt(text: string): number | undefined {
  const [sign, t] = signed(text);
  let value: number;
  if (t === '0') return 0;
  if (t.startsWith('0b')) value = parseInt(t.slice(2), 2);
  else if (t.startsWith('0x')) value = parseInt(t.slice(2), 16);
  else if (t.startsWith('0') && /^[0-7]+$/.test(t)) value = parseInt(t, 8);
  else if (t.includes(':')) value = sexagesimal(t);
  else value = /^[0-9]+$/.test(t) ? Number(t) : NaN;
  return Number.isNaN(value) ? undefined : sign * value;
}

/** construct_yaml_float. */
export function constructFloat(text: string): unknown {
  const [sign, t] = signed(text.toLowerCase());
  if (t === '.inf') return sign * Infinity;
  if (t === '.nan') return NaN;
  if (t.includes(':')) return pyFloat(sign * sexagesimal(t));
  const value = Number(t);
  return Number.isNaN(value) || t === '' ? undefined : pyFloat(sign * value);
}

/** construct_yaml_timestamp, kept as the text Python's str() gives the date or datetime (what a template shows). */
export function constructTimestamp(text: string): string | undefined {
  const m = TIMESTAMP_PARTS.exec(text);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second, fraction, tz, sign, tzHour, tzMinute] = m;
  const date = `${year}-${p2(month!)}-${p2(day!)}`;
  if (hour === undefined) return date;
  const micro = fraction ? `.${fraction.slice(0, 6).padEnd(6, '0')}` : '';
  const offset = sign ? `${sign}${p2(tzHour!)}:${p2(tzMinute ?? 0)}` : tz ? '+00:00' : '';
  return `${date} ${p2(hour)}:${minute}:${second}${micro === '.000000' ? '' : micro}${offset}`;
}

/** PyYAML's implicit resolver and constructor for a plain scalar. */
export function resolvePlainScalar(text: string): unknown {
  switch (plainScalarKind(text)) {
    case 'null':
      return null;
    case 'bool':
      return BOOL_TRUE.has(text);
    case 'int':
      return constructInt(text) ?? text;
    case 'float':
      return constructFloat(text) ?? text;
    case 'timestamp':
      return constructTimestamp(text) ?? text;
  }
  return text;
}

/** construct_yaml_bool for an explicit !!bool. */
export const constructBool = (text: string): boolean | undefined =>
  BOOL_TRUE.has(text) ? true : BOOL_FALSE.has(text) ? false : undefined;
