// The web chat as a person on a cheap phone sees it: a 360×740 page, the bot's messages, the inline
// buttons and the message box, by their test ids. Page errors are collected for the test to check.
import type { Browser, Locator, Page } from 'playwright-core';

export type Chat = {
  page: Page;
  /** the last bot message containing `text` */
  bot(text: string | RegExp): Locator;
  /** the last inline button whose label contains `text` */
  button(text: string | RegExp): Locator;
  /** types `text` and presses send */
  send(text: string): Promise<void>;
};

export function chatOf(page: Page): Chat {
  return {
    page,
    bot: (text) => page.locator('[data-testid="message"][data-from="bot"]', { hasText: text }).last(),
    button: (text) => page.getByTestId('inline-button').filter({ hasText: text }).last(),
    async send(text) {
      await page.getByTestId('message-input').fill(text);
      await page.getByTestId('send-button').click();
    },
  };
}

/** A new browser context at a phone's size with one page of the chat. */
export async function openPhone(browser: Browser, pageErrors: string[]): Promise<Chat> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return chatOf(page);
}
