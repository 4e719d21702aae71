import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaled } from '@sockworks/test-utils';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type ChatServer, type ChatServerOptions, createChatServer } from '../src/server/server.js';
import {
  type ChatWebOptions,
  type ChatWebServer,
  createChatWebServer,
} from '../src/server/web/web-server.js';
import { bundleWebClient } from '../web-bundle.js';

/** Debian's chromium (the tests use the system browser; playwright-core downloads none). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** Fails the file when chromium is missing in CI (SOCKWORKS_REQUIRE_TOOLS=1); elsewhere the caller skips. */
export function requireChromium(): void {
  if (!HAS_CHROMIUM && process.env.SOCKWORKS_REQUIRE_TOOLS === '1')
    throw new Error(
      `chromium is required (SOCKWORKS_REQUIRE_TOOLS=1) but ${CHROMIUM} is missing: apt-get install -y chromium`,
    );
}

/** The web client built from src/web into a fresh directory (removed by the returned function). */
export async function buildClient(): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-web-'));
  await bundleWebClient(dir);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Headless chromium with what a test machine needs: no sandbox (containers), no GPU, no QUIC and no
 * background traffic (updates, sync, ...). playwright gives every launch a fresh temporary profile.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: scaled(60_000),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface WebStack {
  chat: ChatServer;
  web: ChatWebServer;
  tcpPort: number;
  webPort: number;
  url: string;
  close(): Promise<void>;
}

/** A chat server on an ephemeral TCP port with its web listener on another (both on 127.0.0.1). */
export async function startWebStack(
  webRoot: string | undefined,
  options: Partial<ChatServerOptions> = {},
  web: Partial<ChatWebOptions> = {},
): Promise<WebStack> {
  const chat = createChatServer({ port: 0, closeTimeoutMs: 2000, ...options });
  const tcp = await chat.listen();
  const server = createChatWebServer(chat, {
    host: '127.0.0.1',
    port: 0,
    origins: [],
    maxRequestBytes: options.maxRequestBytes ?? 8192,
    heartbeatMs: 0,
    maxConnections: 100,
    closeTimeoutMs: 2000,
    requestTimeoutMs: 30_000,
    webRoot,
    ...web,
  });
  let address: Awaited<ReturnType<ChatWebServer['listen']>>;
  try {
    address = await server.listen();
  } catch (err) {
    await chat.close();
    throw err;
  }
  if (tcp.kind !== 'tcp' || address.kind !== 'tcp') throw new Error('expected TCP addresses');
  return {
    chat,
    web: server,
    tcpPort: tcp.port,
    webPort: address.port,
    url: `http://127.0.0.1:${address.port}/`,
    close: () => chat.close({ timeoutMs: 1000 }),
  };
}

/** Opens the client in a new page and joins as `name`; resolves once it is online. */
export async function joinInBrowser(browser: Browser, url: string, name: string): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(scaled(20_000));
  await page.goto(url);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).first().click();
  await page.locator('#conn[data-state="online"]').waitFor();
  await page.locator('#chat').waitFor({ state: 'visible' });
  return page;
}

/** The texts of the active conversation's messages from `from` (system lines excluded). */
export function messagesFrom(page: Page, from: string): Promise<string[]> {
  return page
    .locator('#messages li.message')
    .evaluateAll(
      (items, name) =>
        items
          .filter((item) => item.querySelector('.from')?.textContent === name)
          .map((item) => item.querySelector('.text')?.textContent ?? ''),
      from,
    );
}
