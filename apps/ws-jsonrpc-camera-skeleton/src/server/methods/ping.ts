import { defineRpcMethod, noParams } from './define.js';

/** `ping` -> `"pong"`: the health check of the spec. Takes no parameters. */
export const ping = defineRpcMethod({
  description: 'Health check: returns "pong".',
  params: noParams,
  result: { schema: { type: 'string', const: 'pong' } },
  handler: (): 'pong' => 'pong',
});
