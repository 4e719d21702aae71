import { isJsonObject } from '../protocol/messages.js';

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Human-readable output of a successful reply's `data` for the command that produced it. */
export function formatData(command: string, data: unknown): string {
  if (!isJsonObject(data)) return JSON.stringify(data, null, 2);
  switch (command) {
    case 'ping':
      return `${text(data.status)} (storage_size: ${text(data.storage_size)}, server_time: ${text(data.server_time)})`;
    case 'time':
      return `${text(data.formatted)} UTC (${text(data.timestamp)}, unix ${text(data.unix_timestamp)})`;
    case 'echo':
      return text(data.echo);
    case 'calculate':
      return `${text(data.a)} ${text(data.operation)} ${text(data.b)} = ${text(data.result)}`;
    case 'store':
    case 'delete':
      return text(data.message);
    case 'retrieve':
      return JSON.stringify(data.value);
    case 'list_keys':
      return Array.isArray(data.keys) && data.keys.length > 0 ? data.keys.map(text).join('\n') : '(no keys)';
    case 'help':
      return isJsonObject(data.commands) ? formatHelp(data.commands) : JSON.stringify(data, null, 2);
    default:
      return JSON.stringify(data, null, 2);
  }
}

function formatHelp(commands: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [name, info] of Object.entries(commands)) {
    if (!isJsonObject(info)) continue;
    lines.push(`${name.padEnd(10)} ${text(info.description)}`);
    if (isJsonObject(info.parameters)) {
      for (const [param, doc] of Object.entries(info.parameters))
        lines.push(`${''.padEnd(10)}   ${param}: ${text(doc)}`);
    }
  }
  return lines.join('\n');
}
