import type { CommandHelp } from '../../protocol/commands.js';
import type { KvStorage } from '../kv-storage.js';

/** What a command handler may use: the storage and the clock, never the socket. */
export interface CommandContext {
  /** The in-process store, or a shared one (`--redis-url`) whose operations return Promises. */
  store: KvStorage;
  /** The server clock (injectable for tests). */
  now: () => Date;
  /** The registry that dispatched the command (for `help`). */
  registry: CommandRegistry;
}

/** One command: its documentation (shown by `help`) and its handler. */
export interface CommandDefinition {
  /** One line, shown by `help`. */
  description: string;
  /** Parameter name -> "type - meaning", shown by `help`. */
  parameters: Readonly<Record<string, string>>;
  /**
   * Returns the reply's `data` (any JSON-serialisable value; a stored value read from the store is a
   * `JsonText` member of it), or a Promise of it when the store is shared; throws (or rejects with)
   * `ProtocolError` for a client error. Any other exception is a bug and becomes INTERNAL_ERROR.
   */
  handler(data: Record<string, unknown>, ctx: CommandContext): unknown;
}

/** Dispatch table and help source in one: a command exists exactly when it is registered here. */
export class CommandRegistry {
  readonly #commands = new Map<string, CommandDefinition>();

  /** Adds a command; throws on a duplicate name (a silent override would hide a bug). */
  register(name: string, definition: CommandDefinition): this {
    if (this.#commands.has(name)) throw new Error(`command '${name}' is already registered`);
    this.#commands.set(name, definition);
    return this;
  }

  /** The definition of `name`, or `undefined`. */
  get(name: string): CommandDefinition | undefined {
    return this.#commands.get(name);
  }

  /** Registered command names, in registration order. */
  names(): string[] {
    return [...this.#commands.keys()];
  }

  /** The `help` document: every command with its description and parameters. */
  describe(): Record<string, CommandHelp> {
    const out: Record<string, CommandHelp> = Object.create(null);
    for (const [name, def] of this.#commands) {
      out[name] = { description: def.description, parameters: { ...def.parameters } };
    }
    return out;
  }
}
