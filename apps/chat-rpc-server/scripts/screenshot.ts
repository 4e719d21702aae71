/**
 * Takes docs/web-client.png: the web client in headless chromium with a conversation under way
 * (two browser users and a terminal user in #general and #dev, a private message, someone typing).
 * `pnpm --filter chat-rpc-server screenshot`; needs /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { fileURLToPath } from 'node:url';
import { ChatClient } from '../src/client/client.js';
import { buildClient, joinInBrowser, launchBrowser, startWebStack } from '../test/web-helpers.js';

const OUT = fileURLToPath(new URL('../docs/web-client.png', import.meta.url));

const client = await buildClient();
const stack = await startWebStack(client.dir);
const browser = await launchBrowser();
const carol = new ChatClient({ port: stack.tcpPort });
try {
  const alice = await joinInBrowser(browser, stack.url, 'Alice');
  await alice.setViewportSize({ width: 1100, height: 640 });
  const bob = await joinInBrowser(browser, stack.url, 'Bob');
  await carol.connect();
  await carol.join('Carol');
  const say = async (page: typeof alice, text: string) => {
    await page.locator('#message').fill(text);
    await page.locator('#message').press('Enter');
    await page.locator('#messages li.message', { hasText: text }).waitFor();
  };
  await say(bob, 'Morning! Is the deploy still on for today?');
  await carol.sendMessage('Yes, after the 11:00 standup (sent from the terminal client)');
  await say(alice, 'Great, I will watch the dashboards.');
  await say(bob, 'Rendered as text, never HTML: <img src=x onerror=alert(1)>');
  await carol.setStatus('away', 'coffee');
  await carol.joinRoom('dev');
  await bob.locator('#room-name').fill('dev');
  await bob.locator('#room-name').press('Enter');
  await alice.locator('#room-name').fill('dev');
  await alice.locator('#room-name').press('Enter');
  await alice.locator('#rooms button[data-key="#general"]').click();
  await carol.sendMessage('Build 1432 is green', 'dev');
  await carol.sendPrivate('Alice', 'Can you review my PR later?');
  await alice.locator('#rooms button[data-key="@Carol"] .badge').waitFor();
  await bob.locator('#rooms button[data-key="#general"]').click();
  // The page sends "typing" at most every 3 s, and Bob typed a message just now.
  await bob.waitForTimeout(3100);
  await bob.locator('#message').pressSequentially('sounds');
  await alice.locator('#typing', { hasText: 'Bob is typing' }).waitFor();
  await alice.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await carol.disconnect().catch(() => undefined);
  await browser.close();
  await stack.close();
  client.remove();
}
