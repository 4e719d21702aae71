import { defineMethod, invalidParams, JsonRpcEngine, type JsonRpcEngineOptions } from '../src/index.js';

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** subtract(minuend, subtrahend), by position or by name, as in the specification's examples. */
export const subtract = defineMethod({
  description: 'Subtracts subtrahend from minuend.',
  params: {
    schema: {
      type: 'object',
      properties: { minuend: { type: 'number' }, subtrahend: { type: 'number' } },
      required: ['minuend', 'subtrahend'],
    },
    parse(params: unknown): { minuend: number; subtrahend: number } {
      if (Array.isArray(params)) {
        const [minuend, subtrahend] = params;
        if (params.length === 2 && isNumber(minuend) && isNumber(subtrahend)) return { minuend, subtrahend };
      } else if (typeof params === 'object' && params !== null) {
        const { minuend, subtrahend } = params as Record<string, unknown>;
        if (isNumber(minuend) && isNumber(subtrahend)) return { minuend, subtrahend };
      }
      throw invalidParams('expected two numbers: minuend and subtrahend');
    },
  },
  result: { schema: { type: 'number' } },
  handler: ({ minuend, subtrahend }) => minuend - subtrahend,
});

/** sum(...numbers). */
export const sum = defineMethod({
  description: 'Adds its positional arguments.',
  params: {
    schema: { type: 'array', items: { type: 'number' } },
    parse(params: unknown): number[] {
      if (Array.isArray(params) && params.every(isNumber)) return params;
      throw invalidParams('expected an array of numbers');
    },
  },
  result: { schema: { type: 'number' } },
  handler: (numbers) => numbers.reduce((a, b) => a + b, 0),
});

/** Builds an engine with the specification's fixture methods; `calls` records the notifications. */
export function specEngine(opts?: JsonRpcEngineOptions): { engine: JsonRpcEngine; calls: string[] } {
  const calls: string[] = [];
  const engine = new JsonRpcEngine(opts)
    .register('subtract', subtract)
    .register('sum', sum)
    .register('get_data', { handler: () => ['hello', 5] })
    .register('notify_hello', {
      handler: (params: unknown) => {
        calls.push(`notify_hello ${JSON.stringify(params)}`);
      },
    })
    .register('update', {
      handler: async (params: unknown) => {
        calls.push(`update ${JSON.stringify(params)}`);
      },
    });
  return { engine, calls };
}

/** Sends `text` and returns the parsed reply, or undefined when the engine says "send nothing". */
export async function call(engine: JsonRpcEngine, text: string): Promise<unknown> {
  const reply = await engine.handle(text);
  return reply === undefined ? undefined : JSON.parse(reply);
}
