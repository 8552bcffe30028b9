// Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core — never a
// downloaded browser. Each launch gets a fresh profile: playwright's launch() starts Chromium with a new
// temporary user-data-dir and deletes it on close (it refuses a --user-data-dir flag; passing our own
// directory would need launchPersistentContext, which yields a context, not a Browser).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches the system Chromium headless. Throws a clear error when it is not installed (install it
 * with `apt-get install -y chromium`); tests never skip silently for lack of a browser.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package: apt-get install -y chromium ` +
        '(or set CHROMIUM_PATH). Browser tests never download a browser.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}
