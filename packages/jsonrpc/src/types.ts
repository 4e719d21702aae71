/** A request id: string, number (fractional numbers are accepted and echoed as given) or null. */
export type JsonRpcId = string | number | null;

/** Structured request parameters: positional (array) or named (object). */
export type JsonRpcParams = unknown[] | Record<string, unknown>;

/** A JSON-RPC 2.0 Request object; without `id` it is a notification. */
export interface JsonRpcRequest {
  jsonrpc: '2.0';
  method: string;
  params?: JsonRpcParams;
  id?: JsonRpcId;
}

/** A JSON-RPC 2.0 Error object. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** A successful JSON-RPC 2.0 Response. */
export interface JsonRpcSuccess {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result: unknown;
}

/** A failed JSON-RPC 2.0 Response. */
export interface JsonRpcFailure {
  jsonrpc: '2.0';
  id: JsonRpcId;
  error: JsonRpcErrorObject;
}

/** A JSON-RPC 2.0 Response object. */
export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure;

/** A JSON Schema (draft 2020-12 / OpenRPC flavour); only the members the engine reads are typed. */
export type JsonSchema =
  | boolean
  | {
      $schema?: string;
      title?: string;
      description?: string;
      type?: string | string[];
      properties?: Record<string, JsonSchema>;
      required?: string[];
      items?: JsonSchema | JsonSchema[];
      prefixItems?: JsonSchema[];
      [keyword: string]: unknown;
    };
