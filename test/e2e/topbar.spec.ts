// The top bar with nobody signed in yet (the first thing a new operator sees): "Who is working?"
// must be read whole, and every tab must stay visible, at 1024, 1280, 1400 and 1920 px.
import { test, expect } from '@playwright/test';
import { startHost, type RunningHost } from '../fixtures/headless.ts';

let host: RunningHost;

test.beforeAll(async () => {
  host = await startHost();
});

test.afterAll(async () => {
  await host?.stop();
});

test('"Who is working?" is never cut off, and no tab is hidden', async ({ page }) => {
  await page.goto(`${host.url}#/worklist`);
  const shift = page.getByTestId('shift-button');
  await expect(shift).toHaveText('Who is working?');
  for (const width of [1024, 1280, 1400, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    const cut = await shift.evaluate((b) => b.scrollWidth > b.clientWidth + 1);
    expect(cut, `shift button cut at ${width} px`).toBe(false);
    const hidden = await page.locator('header.topbar .tabs').evaluate((tabs) => {
      const edge = tabs.getBoundingClientRect().right + 0.5;
      return [...tabs.querySelectorAll('.tab')].filter((t) => t.getBoundingClientRect().right > edge).map((t) => t.textContent);
    });
    expect(hidden, `tabs cut off at ${width} px`).toEqual([]);
  }
});
