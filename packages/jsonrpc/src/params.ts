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

const checks: Record<ParamType, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => typeof v === 'number' && Number.isSafeInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
  any: () => true,
};

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

  return {
    schema,
    parse(params: unknown): ParamsOf<F> {
      let read: (index: number, name: string) => unknown;
      if (params === undefined) {
        read = () => undefined;
      } else if (Array.isArray(params)) {
        if (params.length > list.length) throw invalidParams(`expected at most ${list.length} parameters`);
        read = (index) => params[index];
      } else if (typeof params === 'object' && params !== null) {
        const named = params as Record<string, unknown>;
        for (const key of Object.keys(named)) {
          if (!names.has(key)) throw invalidParams(`unknown parameter "${truncate(key)}"`);
        }
        read = (_index, name) => (Object.hasOwn(named, name) ? named[name] : undefined);
      } else {
        throw invalidParams('params must be an array or an object');
      }
      const entries: Array<[string, unknown]> = [];
      list.forEach((f, index) => {
        const value = read(index, f.name);
        if (value === undefined) {
          if (!f.optional) throw invalidParams(`missing parameter "${f.name}"`);
          return;
        }
        if (!checks[f.type](value)) throw invalidParams(`"${f.name}" must be ${articles[f.type]}`);
        entries.push([f.name, value]);
      });
      // fromEntries defines own properties, so a parameter named "__proto__" stays an ordinary key.
      return Object.fromEntries(entries) as ParamsOf<F>;
    },
  };
}

function truncate(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
