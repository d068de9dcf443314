// Input validation from a service model's shapes (botocore's service-2.json: required members, min/max, patterns,
// enums), checked before anything looks at state, as AWS does. Every failing member is reported in one message,
// "N validation errors detected: ...; ...", in the shape's member order. A value of the wrong JSON type never
// reaches validation: AWS's deserializer refuses it first (SerializationException).
import { AwsError, invalidParameter } from './common.js';
import type { JsonObject } from './wire.js';

export interface Shape {
  readonly type: 'string' | 'integer' | 'long' | 'boolean' | 'list' | 'structure' | 'map';
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  /** A list's member shape. */
  readonly member?: Shape;
  /** A structure's members, in the model's order. */
  readonly members?: Readonly<Record<string, Shape>>;
}

const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

function typeMatches(shape: Shape, v: unknown): boolean {
  switch (shape.type) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
    case 'long':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'list':
      return Array.isArray(v);
    default:
      return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
}

/** The constraint a present value of the right type breaks, if any. */
function constraintOf(shape: Shape, v: unknown): string | undefined {
  const size = typeof v === 'string' ? v.length : Array.isArray(v) ? v.length : undefined;
  const what = size === undefined ? 'value' : 'length';
  const measure = size ?? (typeof v === 'number' ? v : undefined);
  if (measure !== undefined && shape.min !== undefined && measure < shape.min)
    return `Member must have ${what} greater than or equal to ${shape.min}`;
  if (measure !== undefined && shape.max !== undefined && measure > shape.max)
    return `Member must have ${what} less than or equal to ${shape.max}`;
  if (shape.pattern && typeof v === 'string' && !new RegExp(`^(?:${shape.pattern})$`, 'su').test(v))
    return `Member must satisfy regular expression pattern: ${shape.pattern}`;
  if (shape.enum && !shape.enum.includes(v as string))
    return `Member must satisfy enum value set: [${shape.enum.join(', ')}]`;
  return undefined;
}

function collect(shape: Shape, v: unknown, path: string, errors: string[]): void {
  if (v === undefined || v === null) {
    if (shape.required) errors.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
    return;
  }
  if (!typeMatches(shape, v))
    throw new AwsError('SerializationException', `Unexpected ${typeof v} for '${path}': expected a ${shape.type}`);
  const broken = constraintOf(shape, v);
  if (broken) errors.push(`Value '${shown(v)}' at '${path}' failed to satisfy constraint: ${broken}`);
  if (shape.type === 'list' && shape.member)
    (v as unknown[]).forEach((m, i) =>
      collect({ ...shape.member!, required: true }, m, `${path}.${i + 1}.member`, errors),
    );
  if (shape.type === 'structure' && shape.members)
    for (const [name, member] of Object.entries(shape.members))
      collect(member, (v as JsonObject)[name], path ? `${path}.${name}` : name, errors);
}

/** Throws AWS's validation error for an input that breaks its shape. */
export function validateInput(members: Readonly<Record<string, Shape>>, input: JsonObject): void {
  const errors: string[] = [];
  collect({ type: 'structure', members }, input, '', errors);
  if (errors.length === 0) return;
  const n = errors.length;
  throw invalidParameter(`${n} validation error${n > 1 ? 's' : ''} detected: ${errors.join('; ')}`);
}
