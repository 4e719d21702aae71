#!/usr/bin/env node
import { runCli } from '@sockworks/service';
import { formatResponse, RequestError, request } from '../client/client.js';
import { EXIT_HTTP_ERROR, EXIT_NO_RESPONSE, requestCli } from './request-cli.js';

async function main(): Promise<void> {
  const { values } = requestCli.parse();
  try {
    const res = await request({
      socket: values.socket,
      host: values.host,
      port: values.port,
      path: values.path,
      method: values.method,
      target: values.target,
      timeoutMs: values.timeout,
    });
    process.stdout.write(`${formatResponse(res)}\n`);
    if (res.status < 200 || res.status > 299) process.exitCode = EXIT_HTTP_ERROR;
  } catch (err) {
    if (!(err instanceof RequestError)) throw err;
    process.stderr.write(`http-local-request: ${err.message}\n`);
    process.exitCode = EXIT_NO_RESPONSE;
  }
}

runCli(main, { name: 'http-local-request' });
