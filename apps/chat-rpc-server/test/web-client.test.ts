/// <reference lib="dom" />
// (page.evaluate callbacks run in the browser and use its globals.)
/**
 * The web client in a real browser (Debian's chromium, headless, driven by playwright-core) against
 * the real server: browser users and a terminal-protocol (TCP) user in one room, private messages,
 * a dropped WebSocket resumed without loss or duplicates, message text never parsed as HTML.
 */

import { scaled } from '@sockworks/test-utils';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ChatConnection } from '../src/server/connection.js';
import { waitFor } from './helpers.js';
import { V2Client } from './v2-client.js';
import {
  buildClient,
  HAS_CHROMIUM,
  joinInBrowser,
  launchBrowser,
  messagesFrom,
  requireChromium,
  startWebStack,
  type WebStack,
} from './web-helpers.js';

requireChromium();

// Browser steps wait up to WAIT_MS each (stretched on a loaded machine, as every wait of the suite).
const BROWSER_TEST_MS = scaled(120_000);
const WAIT_MS = scaled(20_000);
/** expect.poll with the browser wait (its own default is one second). */
const POLL = { timeout: WAIT_MS, interval: 50 };

describe.skipIf(!HAS_CHROMIUM)(
  'the web client in chromium (skipped when /usr/bin/chromium is missing)',
  () => {
    let browser: Browser | undefined;
    let client: { dir: string; remove(): void } | undefined;

    beforeAll(async () => {
      client = await buildClient();
      browser = await launchBrowser();
    }, BROWSER_TEST_MS);

    afterAll(async () => {
      await browser?.close();
      client?.remove();
    });

    async function stack(): Promise<WebStack> {
      if (client === undefined) throw new Error('client not built');
      const s = await startWebStack(client.dir);
      onTestFinished(() => s.close());
      return s;
    }

    async function page(s: WebStack, name: string): Promise<Page> {
      if (browser === undefined) throw new Error('browser not launched');
      const p = await joinInBrowser(browser, s.url, name);
      onTestFinished(() => p.close());
      return p;
    }

    async function tcpUser(s: WebStack, name: string): Promise<V2Client> {
      const c = await V2Client.connect(s.tcpPort, 'plain');
      const reply = await c.join(name, { protocol: 2 });
      expect(reply.status).toBe('success');
      return c;
    }

    async function say(p: Page, text: string): Promise<void> {
      await p.locator('#message').fill(text);
      await p.locator('#message').press('Enter');
      await expect.poll(() => p.locator('#message').inputValue(), POLL).toBe('');
    }

    it(
      'two browser users and a terminal user in #general exchange messages both ways, with typing, presence and read receipts',
      async () => {
        const s = await stack();
        const alice = await page(s, 'Alice');
        const bob = await page(s, 'Bob');
        const carol = await tcpUser(s, 'Carol');

        await say(alice, 'hello from the browser');
        await bob.locator('#messages li.message', { hasText: 'hello from the browser' }).waitFor();
        const atCarol = await carol.notificationMatching({ type: 'chat', username: 'Alice' });
        expect(atCarol).toMatchObject({ room: 'general', message: 'hello from the browser' });

        carol.send('send_message', { message: 'hello from the terminal' });
        expect((await carol.reply()).status).toBe('success');
        for (const p of [alice, bob])
          await p.locator('#messages li.message', { hasText: 'hello from the terminal' }).waitFor();

        await say(bob, 'bob here');
        await alice.locator('#messages li.message', { hasText: 'bob here' }).waitFor();
        const bobs = await carol.notificationMatching({ type: 'chat', username: 'Bob' });
        expect(bobs).toMatchObject({ message: 'bob here' });
        expect(await messagesFrom(alice, 'Carol')).toEqual(['hello from the terminal']);
        expect(await messagesFrom(alice, 'Bob')).toEqual(['bob here']);

        // Typing in the browser reaches the others (the page sent it while Bob typed his message; the
        // waits above read past it); the terminal user's typing shows in the page.
        const got = (pattern: Record<string, unknown>) =>
          carol.notifications.some((n) => Object.entries(pattern).every(([k, v]) => n[k] === v));
        await waitFor(
          () => got({ type: 'typing', username: 'Bob', room: 'general' }),
          "Bob's typing at Carol",
          20_000,
        );
        carol.send('typing', { room: 'general' });
        await alice.locator('#typing', { hasText: 'Carol is typing' }).waitFor();
        // Presence: the terminal user goes away.
        carol.send('set_status', { status: 'away', text: 'lunch' });
        await alice.locator('#people button[data-user="Carol"]', { hasText: 'away: lunch' }).waitFor();
        // Read receipts: the pages mark what they show as read; the others see "Seen by".
        await waitFor(
          () => got({ type: 'read', username: 'Alice', room: 'general' }),
          "Alice's read mark at Carol",
          20_000,
        );
        carol.send('mark_read', { room: 'general', id: bobs.id });
        await alice.locator('#reads', { hasText: 'Seen by Carol' }).waitFor();
      },
      BROWSER_TEST_MS,
    );

    it(
      'a private message reaches only its target; rooms show unread counts',
      async () => {
        const s = await stack();
        const alice = await page(s, 'Alice');
        const bob = await page(s, 'Bob');
        const carol = await tcpUser(s, 'Carol');

        await alice.locator('#people button[data-user="Bob"]').click();
        await expect.poll(() => alice.locator('#conv-title').textContent(), POLL).toBe('Private: Bob');
        await say(alice, 'psst, Bob');
        await bob.locator('#rooms button[data-key="@Alice"]', { hasText: '1' }).waitFor();
        await bob.locator('#rooms button[data-key="@Alice"]').click();
        await bob.locator('#messages li.message', { hasText: 'psst, Bob' }).waitFor();

        carol.send('send_private', { to: 'Alice', message: 'for Alice only' });
        expect((await carol.reply()).status).toBe('success');
        await alice.locator('#rooms button[data-key="@Carol"] .badge', { hasText: '1' }).waitFor();
        // Nothing private went anywhere else: Carol got no private message, Bob's page shows no such line.
        expect(carol.notifications.filter((n) => n.type === 'private')).toEqual([]);
        expect(await bob.locator('#rooms button[data-key="@Carol"]').count()).toBe(0);
        expect(await bob.getByText('for Alice only').count()).toBe(0);

        // A room: joining it from the page, a message there counts as unread in the other page.
        await alice.locator('#room-name').fill('dev');
        await alice.locator('#room-name').press('Enter');
        await expect.poll(() => alice.locator('#conv-title').textContent(), POLL).toBe('#dev');
        await bob.locator('#room-name').fill('dev');
        await bob.locator('#room-name').press('Enter');
        await expect.poll(() => bob.locator('#conv-title').textContent(), POLL).toBe('#dev');
        await bob.locator('#rooms button[data-key="#general"]').click();
        await say(alice, 'in dev');
        await bob.locator('#rooms button[data-key="#dev"] .badge', { hasText: '1' }).waitFor();
        await bob.locator('#rooms button[data-key="#dev"]').click();
        await bob.locator('#messages li.message', { hasText: 'in dev' }).waitFor();
      },
      BROWSER_TEST_MS,
    );

    it(
      'a dropped WebSocket reconnects and resumes: every message once, in order, and the state is shown',
      async () => {
        const s = await stack();
        const alice = await page(s, 'Alice');
        const carol = await tcpUser(s, 'Carol');
        await alice.evaluate(() => {
          const w = window as unknown as { states: string[] };
          w.states = [];
          const conn = document.getElementById('conn') as HTMLElement;
          new MutationObserver(() => w.states.push(conn.dataset.state ?? '')).observe(conn, {
            attributes: true,
          });
        });
        const sent: string[] = [];
        const post = async (text: string) => {
          carol.send('send_message', { message: text });
          expect((await carol.reply()).status).toBe('success');
          sent.push(text);
        };
        await post('before the cut');
        await alice.locator('#messages li.message', { hasText: 'before the cut' }).waitFor();

        // The server drops the browser's connection (as a dead network would), and Carol keeps talking.
        const session = s.chat.sessions.find((x) => x.username === 'Alice');
        if (!(session?.peer instanceof ChatConnection)) throw new Error("Alice's connection not found");
        session.peer.destroy();
        for (let i = 1; i <= 5; i++) await post(`while away ${i}`);
        await waitFor(
          () => s.chat.sessions.some((x) => x.username === 'Alice' && x.peer !== session.peer),
          'the browser to resume its session on a new connection',
          30_000,
        );
        await alice.locator('#conn[data-state="online"]').waitFor();
        await post('after the resume');
        await alice.locator('#messages li.message', { hasText: 'after the resume' }).waitFor();

        expect(await messagesFrom(alice, 'Carol')).toEqual(sent);
        const states = await alice.evaluate(() => (window as unknown as { states: string[] }).states);
        expect(states).toContain('reconnecting');
        expect(await alice.locator('#conn').textContent()).toContain('session resumed');
      },
      BROWSER_TEST_MS,
    );

    it(
      'a message with HTML in it is shown as text',
      async () => {
        const s = await stack();
        const alice = await page(s, 'Alice');
        const dialogs: string[] = [];
        alice.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          void dialog.dismiss();
        });
        const carol = await tcpUser(s, 'Carol');
        const xss = '<img src=x onerror=alert(1)>';
        carol.send('send_message', { message: xss });
        expect((await carol.reply()).status).toBe('success');
        await alice.locator('#messages li.message', { hasText: 'onerror' }).waitFor();
        expect(await messagesFrom(alice, 'Carol')).toEqual([xss]);
        expect(await alice.locator('#messages img').count()).toBe(0);
        expect(dialogs).toEqual([]);
      },
      BROWSER_TEST_MS,
    );

    it(
      'works by keyboard alone at phone width, within the Content-Security-Policy',
      async () => {
        const s = await stack();
        if (browser === undefined) throw new Error('browser not launched');
        const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true });
        onTestFinished(() => context.close());
        const p = await context.newPage();
        p.setDefaultTimeout(WAIT_MS);
        const violations: string[] = [];
        p.on('console', (message) => {
          if (message.type() === 'error') violations.push(message.text());
        });
        await p.goto(s.url);
        // The name field has the focus on load; Enter joins; then the message field has it; Enter sends.
        await p.keyboard.type('Keys');
        await p.keyboard.press('Enter');
        await p.locator('#conn[data-state="online"]').waitFor();
        await expect.poll(() => p.evaluate(() => document.activeElement?.id), POLL).toBe('message');
        const carol = await tcpUser(s, 'Carol');
        await p.keyboard.type('typed, not clicked');
        await p.keyboard.press('Enter');
        expect(await carol.notificationMatching({ type: 'chat', username: 'Keys' })).toMatchObject({
          message: 'typed, not clicked',
        });
        // The conversation list is made of buttons: focus one and Enter opens it.
        carol.send('send_private', { to: 'Keys', message: 'hi Keys' });
        const dm = p.locator('#rooms button[data-key="@Carol"]');
        await dm.waitFor();
        await dm.focus();
        await p.keyboard.press('Enter');
        await expect.poll(() => p.locator('#conv-title').textContent(), POLL).toBe('Private: Carol');
        // Nothing is wider than the phone's screen.
        const widths = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
        expect(violations.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
      },
      BROWSER_TEST_MS,
    );
  },
);
