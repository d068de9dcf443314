// Python's datetime.datetime and datetime.timedelta as templates meet them: `to_datetime` and `now()` return
// naive datetimes, subtracting two gives a timedelta (`.days`, `.seconds`, `.total_seconds()`), and both print
// as Python prints them. Time is kept as integer microseconds (naive datetimes as if they were UTC).
import { PyValueError, pyFloat } from './python.js';

const US_PER_DAY = 86_400_000_000;
/** Python's weekday names, Monday first as date.weekday() counts; JS's getDay() counts from Sunday. */
export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const p2 = (n: number) => String(n).padStart(2, '0');
const floorDiv = (a: number, b: number) => Math.floor(a / b);

export class PyTimedelta {
  constructor(readonly us: number) {}
  get days(): number {
    return floorDiv(this.us, US_PER_DAY);
  }
  get seconds(): number {
    return floorDiv(this.us - this.days * US_PER_DAY, 1_000_000);
  }
  get microseconds(): number {
    return this.us - this.days * US_PER_DAY - this.seconds * 1_000_000;
  }
  /** str(timedelta): '2 days, 1:02:03' or '1:02:03.500000'. */
  __str__(): string {
    const s = this.seconds,
      clock = `${floorDiv(s, 3600)}:${p2(floorDiv(s % 3600, 60))}:${p2(s % 60)}${this.microseconds ? `.${String(this.microseconds).padStart(6, '0')}` : ''}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${clock}` : clock;
  }
  __repr__(): string {
    const parts = [
      this.days ? `days=${this.days}` : '',
      this.seconds ? `seconds=${this.seconds}` : '',
      this.microseconds ? `microseconds=${this.microseconds}` : '',
    ].filter(Boolean);
    return `datetime.timedelta(${parts.join(', ')})`;
  }
  pyGetAttr(name: string): unknown {
    switch (name) {
      case 'days':
        return this.days;
      case 'seconds':
        return this.seconds;
      case 'microseconds':
        return this.microseconds;
      case 'total_seconds':
        return () => pyFloat(this.us / 1_000_000);
    }
    return undefined;
  }
}

/** A naive datetime's fields, as datetime(year, month, day, hour, minute, second, microsecond) takes them. */
interface DatetimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
}

export class PyDatetime {
  constructor(readonly us: number) {}
  static of({ year, month, day, hour, minute, second, micro }: DatetimeFields): PyDatetime {
    return new PyDatetime(Date.UTC(year, month - 1, day, hour, minute, second) * 1000 + micro);
  }
  /** datetime.now() (local) or datetime.utcnow(), from a clock in milliseconds. */
  static now(utc: boolean, nowMs = Date.now()): PyDatetime {
    const offsetMs = utc ? 0 : -new Date(nowMs).getTimezoneOffset() * 60_000;
    return new PyDatetime((nowMs + offsetMs) * 1000);
  }
  #date(): Date {
    return new Date(floorDiv(this.us, 1000));
  }
  get microsecond(): number {
    return ((this.us % 1_000_000) + 1_000_000) % 1_000_000;
  }
  fields(): Omit<DatetimeFields, 'micro'> & { weekday: number } {
    const d = this.#date();
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: (d.getUTCDay() + 6) % 7,
    };
  }
  isoformat(sep = 'T'): string {
    const f = this.fields();
    return `${String(f.year).padStart(4, '0')}-${p2(f.month)}-${p2(f.day)}${sep}${p2(f.hour)}:${p2(f.minute)}:${p2(f.second)}${this.microsecond ? `.${String(this.microsecond).padStart(6, '0')}` : ''}`;
  }
  __str__(): string {
    return this.isoformat(' ');
  }
  __repr__(): string {
    const f = this.fields();
    const tail = [f.hour, f.minute, f.second, this.microsecond];
    while (tail.length > 2 && tail[tail.length - 1] === 0) tail.pop();
    return `datetime.datetime(${[f.year, f.month, f.day, ...tail].join(', ')})`;
  }
  strftime(fmt: string): string {
    const f = this.fields();
    const start = Date.UTC(f.year, 0, 1);
    return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => {
      switch (c) {
        case 'Y':
          return String(f.year);
        case 'y':
          return p2(f.year % 100);
        case 'm':
          return p2(f.month);
        case 'd':
          return p2(f.day);
        case 'H':
          return p2(f.hour);
        case 'M':
          return p2(f.minute);
        case 'S':
          return p2(f.second);
        case 'f':
          return String(this.microsecond).padStart(6, '0');
        case 's':
          // glibc's seconds since the epoch: the naive fields read as local time (mktime)
          return String(Math.floor(new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second).getTime() / 1000));
        case 'I':
          return p2(((f.hour + 11) % 12) + 1);
        case 'p':
          return f.hour < 12 ? 'AM' : 'PM';
        case 'A':
          return DAYS[f.weekday]!;
        case 'a':
          return DAYS[f.weekday]!.slice(0, 3);
        case 'B':
          return MONTHS[f.month - 1]!;
        case 'b':
          return MONTHS[f.month - 1]!.slice(0, 3);
        case 'j':
          return String(floorDiv(floorDiv(this.us, 1000) - start, 86_400_000) + 1).padStart(3, '0');
        case 'w':
          return String((f.weekday + 1) % 7);
        case 'Z':
        case 'z':
          return ''; // naive
        case '%':
          return '%';
        default:
          return m;
      }
    });
  }
  pyGetAttr(name: string): unknown {
    const f = this.fields();
    switch (name) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
        return f[name];
      case 'microsecond':
        return this.microsecond;
      case 'strftime':
        return (fmt: unknown) => this.strftime(String(fmt));
      case 'isoformat':
        return (sep: unknown = 'T') => this.isoformat(String(sep));
      case 'weekday':
        return () => f.weekday;
      case 'isoweekday':
        return () => f.weekday + 1;
      // a naive datetime's timestamp() reads it as local time
      case 'timestamp':
        return () => pyFloat((this.us / 1000 + new Date(floorDiv(this.us, 1000)).getTimezoneOffset() * 60_000) / 1000);
    }
    return undefined;
  }
}

/** datetime.strptime for the directives playbooks use; Python's ValueError when the text does not match. */
export function strptime(text: string, format: string): PyDatetime {
  const t = new TimeText(text, format);
  const p: Parsed = { year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0 };
  for (let f = 0; f < format.length; f++) {
    const c = format[f]!;
    if (c !== '%') {
      t.literal(c);
      continue;
    }
    const d = format[++f];
    if (d === undefined || !Object.hasOwn(DIRECTIVES, d))
      throw new PyValueError(`'${d}' is a bad directive in format '${format}'`);
    DIRECTIVES[d]!(t, p);
  }
  if (t.i < text.length) throw new PyValueError(`unconverted data remains: ${text.slice(t.i)}`);
  if (p.pm !== undefined) p.hour = (p.hour % 12) + (p.pm ? 12 : 0);
  const { year, month, day, hour, minute, second } = p;
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > new Date(Date.UTC(year, month, 0)).getUTCDate() ||
    hour > 23 ||
    minute > 59 ||
    second > 61
  )
    t.fail();
  return PyDatetime.of({ ...p, second: Math.min(second, 59) });
}

/** What strptime has read so far: the fields, and AM or PM when %p was given. */
interface Parsed extends DatetimeFields {
  pm?: boolean;
}

/** The text strptime reads, and how far it has read it. */
class TimeText {
  i = 0;
  constructor(
    readonly text: string,
    readonly format: string,
  ) {}
  fail(): never {
    throw new PyValueError(`time data ${reprText(this.text)} does not match format ${reprText(this.format)}`);
  }
  /** A character of the format outside a directive: whitespace matches any run of it, the rest itself. */
  literal(c: string): void {
    if (/\s/.test(c)) {
      while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
      return;
    }
    if (this.text[this.i] !== c) this.fail();
    this.i++;
  }
  /** The text at the current place that matches `re` (anchored at its start). */
  match(re: RegExp): string {
    const m = re.exec(this.text.slice(this.i));
    if (!m) this.fail();
    this.i += m[0].length;
    return m[0];
  }
  num(min: number, max: number): number {
    return Number(this.match(new RegExp(`^\\d{${min},${max}}`)));
  }
  /** The index of the month or day name (or its first three letters) at the current place. */
  name(names: readonly string[], short: boolean): number {
    const rest = this.text.slice(this.i).toLowerCase();
    const k = names.findIndex((n) => rest.startsWith((short ? n.slice(0, 3) : n).toLowerCase()));
    if (k < 0) this.fail();
    this.i += short ? 3 : names[k]!.length;
    return k;
  }
}

const DIRECTIVES: Record<string, (t: TimeText, p: Parsed) => void> = {
  Y: (t, p) => void (p.year = t.num(4, 4)),
  y: (t, p) => {
    const y = t.num(2, 2);
    p.year = y < 69 ? 2000 + y : 1900 + y;
  },
  m: (t, p) => void (p.month = t.num(1, 2)),
  d: (t, p) => void (p.day = t.num(1, 2)),
  H: (t, p) => void (p.hour = t.num(1, 2)),
  I: (t, p) => void (p.hour = t.num(1, 2)),
  M: (t, p) => void (p.minute = t.num(1, 2)),
  S: (t, p) => void (p.second = t.num(1, 2)),
  f: (t, p) => void (p.micro = Number(t.match(/^\d{1,6}/).padEnd(6, '0'))),
  p: (t, p) => void (p.pm = t.match(/^(am|pm)/i).toLowerCase() === 'pm'),
  b: (t, p) => void (p.month = t.name(MONTHS, true) + 1),
  B: (t, p) => void (p.month = t.name(MONTHS, false) + 1),
  a: (t) => void t.name(DAYS, true),
  A: (t) => void t.name(DAYS, false),
  j: (t, p) => {
    const dt = new Date(Date.UTC(p.year, 0, t.num(1, 3)));
    p.month = dt.getUTCMonth() + 1;
    p.day = dt.getUTCDate();
  },
  '%': (t) => t.literal('%'),
};

const reprText = (s: string) =>
  s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
