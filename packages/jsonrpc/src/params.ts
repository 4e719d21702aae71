import { invalidParams, type ParamsDefinition } from './method.js';
import type { JsonSchema } from './types.js';

/** The value types `namedParams` can check. */
export type ParamType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'any';

/** One parameter: its type, whether it may be left out, and a description for discovery. */
export interface ParamField {
  type: ParamType;
  optional?: boolean;
  description?: string;
}

/** Parameters in order (the order positional params are read in): a type name or a full field. */
export type ParamFields = Record<string, ParamType | ParamField>;

type TypeName<S> = S extends ParamType ? S : S extends { type: infer T } ? T : never;
type ValueOf<T> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'object'
        ? Record<string, unknown>
        : T extends 'array'
          ? unknown[]
          : unknown;
type OptionalKeys<F> = { [K in keyof F]: F[K] extends { optional: true } ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The handler input `namedParams(fields)` produces. */
export type ParamsOf<F extends ParamFields> = Simplify<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: ValueOf<TypeName<F[K]>> } & {
    [K in OptionalKeys<F>]?: ValueOf<TypeName<F[K]>>;
  }
>;

/** True when `value` has the type `type` names; a switch, not a table of closures, so it inlines. */
function hasType(type: ParamType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    default:
      return true;
  }
}

const articles: Record<ParamType, string> = {
  string: 'a string',
  number: 'a finite number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  any: 'a value',
};

/**
 * Builds a params definition for the common shape "a few typed parameters", accepted by name
 * (`{"a": 1, "b": 2}`) or by position (`[1, 2]`, in declaration order). Unknown names, extra
 * positions, missing required parameters and wrong types are -32602 with a message naming the parameter.
 */
export function namedParams<const F extends ParamFields>(fields: F): ParamsDefinition<ParamsOf<F>> {
  const list = Object.entries(fields).map(([name, spec]) => {
    const field: ParamField = typeof spec === 'string' ? { type: spec } : spec;
    return { name, ...field, optional: field.optional === true };
  });
  const names = new Set(list.map((f) => f.name));
  const properties: Record<string, JsonSchema> = {};
  for (const f of list) {
    const schema: Record<string, unknown> = f.type === 'any' ? {} : { type: f.type };
    if (f.description !== undefined) schema.description = f.description;
    Object.defineProperty(properties, f.name, {
      value: schema,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const schema: JsonSchema = {
    type: 'object',
    properties,
    required: list.filter((f) => !f.optional).map((f) => f.name),
    additionalProperties: false,
  };

  // Runs on every call of every method that uses it: plain loops over a fixed list, no closures, no
  // intermediate entries array.
  const fieldCount = list.length;
  return {
    schema,
    parse(params: unknown): ParamsOf<F> {
      let positional: unknown[] | undefined;
      let named: Record<string, unknown> | undefined;
      if (Array.isArray(params)) {
        if (params.length > fieldCount) throw invalidParams(`expected at most ${fieldCount} parameters`);
        positional = params;
      } else if (typeof params === 'object' && params !== null) {
        named = params as Record<string, unknown>;
        for (const key of Object.keys(named)) {
          if (!names.has(key)) throw invalidParams(`unknown parameter "${truncate(key)}"`);
        }
      } else if (params !== undefined) {
        throw invalidParams('params must be an array or an object');
      }
      const out: Record<string, unknown> = {};
      for (let index = 0; index < fieldCount; index++) {
        const f = list[index] as (typeof list)[number];
        const value =
          positional !== undefined
            ? positional[index]
            : named !== undefined && Object.hasOwn(named, f.name)
              ? named[f.name]
              : undefined;
        if (value === undefined) {
          if (!f.optional) throw invalidParams(`missing parameter "${f.name}"`);
          continue;
        }
        if (!hasType(f.type, value)) throw invalidParams(`"${f.name}" must be ${articles[f.type]}`);
        // An assignment would set the prototype for "__proto__"; defining it keeps it an ordinary key.
        if (f.name === '__proto__') {
          Object.defineProperty(out, f.name, { value, enumerable: true, writable: true, configurable: true });
        } else {
          out[f.name] = value;
        }
      }
      return out as ParamsOf<F>;
    },
  };
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
