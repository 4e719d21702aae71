import type { MethodDefinition } from './method.js';
import type { JsonSchema } from './types.js';

/** The OpenRPC specification version the generated documents follow. */
export const OPENRPC_VERSION = '1.3.2';

/** Title and version of the service a discovery document describes. */
export interface OpenRpcInfo {
  title: string;
  version: string;
  description?: string;
}

/** An OpenRPC Content Descriptor: one named param or the result. */
export interface OpenRpcContentDescriptor {
  name: string;
  schema: JsonSchema;
  required?: boolean;
  description?: string;
}

/** An OpenRPC Method object. */
export interface OpenRpcMethod {
  name: string;
  description?: string;
  paramStructure?: 'by-name' | 'by-position' | 'either';
  params: OpenRpcContentDescriptor[];
  result: OpenRpcContentDescriptor;
}

/** An OpenRPC 1.x document (the subset the engine generates). */
export interface OpenRpcDocument {
  openrpc: string;
  info: OpenRpcInfo;
  methods: OpenRpcMethod[];
}

function describeParams(schema: JsonSchema): Pick<OpenRpcMethod, 'params' | 'paramStructure'> {
  if (typeof schema === 'boolean') return { params: [{ name: 'params', schema }] };
  const { properties, items, prefixItems } = schema;
  if (properties !== undefined && typeof properties === 'object') {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    return {
      paramStructure: 'by-name',
      params: Object.entries(properties).map(([name, sub]) => descriptor(name, sub, required.has(name))),
    };
  }
  const tuple = Array.isArray(prefixItems) ? prefixItems : Array.isArray(items) ? items : undefined;
  if (tuple !== undefined) {
    const minItems = typeof schema.minItems === 'number' ? schema.minItems : tuple.length;
    return {
      paramStructure: 'by-position',
      params: tuple.map((sub, i) => {
        const title = typeof sub === 'object' && typeof sub.title === 'string' ? sub.title : `arg${i}`;
        return descriptor(title, sub, i < minItems);
      }),
    };
  }
  return { params: [{ name: 'params', schema }] };
}

function descriptor(name: string, schema: JsonSchema, required: boolean): OpenRpcContentDescriptor {
  const out: OpenRpcContentDescriptor = { name, schema, required };
  if (typeof schema === 'object' && typeof schema.description === 'string')
    out.description = schema.description;
  return out;
}

/** Builds an OpenRPC document from method definitions (names starting with "rpc." are left out). */
export function buildOpenRpcDocument<C>(
  info: OpenRpcInfo,
  methods: ReadonlyMap<string, MethodDefinition<unknown, unknown, C>>,
): OpenRpcDocument {
  const out: OpenRpcMethod[] = [];
  for (const [name, def] of methods) {
    if (name.startsWith('rpc.')) continue;
    out.push({
      name,
      ...(def.description === undefined ? {} : { description: def.description }),
      ...(def.params === undefined ? { params: [] } : describeParams(def.params.schema)),
      result: { name: 'result', schema: def.result?.schema ?? {} },
    });
  }
  return { openrpc: OPENRPC_VERSION, info: { ...info }, methods: out };
}
