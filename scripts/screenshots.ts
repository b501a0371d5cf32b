// `npm run screenshots`: the console's main pages as PNGs in docs/screenshots/, taken from the
// built console (`npm run build`) on a fresh embedded database with the demo data, driven
// through the same flows as the browser tests. Chinese labels need a CJK font on the machine
// (Debian: fonts-wqy-microhei); the console itself loads no font.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startApp } from '../src/app.ts';
import { DEMO_ACCOUNTS } from '../src/platform/seed.ts';
import { launchChromium } from '../test/utils/browser.ts';

const OUT = 'docs/screenshots';
const [consumer, , , operator, admin] = DEMO_ACCOUNTS;
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function open(browser: Browser, origin: string, viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${origin}/login`);
  return page;
}

async function logIn(page: Page, account: { id: string; password: string }, path = '/') {
  await page.getByLabel('Account id').fill(account.id);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('[data-testid="live"][data-state="live"]').waitFor();
  if (path !== '/') await page.goto(page.url().replace(/\/[^/]*$/, '') + path);
  await page.locator('[data-testid="live"][data-state="live"]').waitFor();
}

async function shot(page: Page, name: string) {
  await page.waitForLoadState('networkidle');
  // A full-page shot draws the sticky top bar where the page is scrolled to: the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  console.log(`${OUT}/${name}.png`);
}

const step = (page: Page, lot: number, n: number) =>
  page.locator(`[data-lot="${lot}"] [data-step="${n}"]`);

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'orderly-screenshots-'));
  mkdirSync(OUT, { recursive: true });
  const app = await startApp({
    config: { dataDir, databaseUrl: undefined, port: 0, host: '127.0.0.1', logLevel: 'silent' },
    seed: true,
  });
  const origin = new URL(app.url).origin;
  const browser = await launchChromium();
  try {
    const me = await open(browser, origin);
    await me.getByRole('button', { name: 'Log in' }).waitFor();
    await shot(me, 'login');
    await logIn(me, consumer);
    await shot(me, 'home');

    // Chip: the factory, then the seed's worked example analysed, confirmed.
    await me.getByRole('link', { name: 'Chips' }).click();
    await me.locator('.plant-row').first().waitFor();
    await shot(me, 'chip-factory');
    await me.getByRole('link', { name: 'Plan a chip order' }).click();
    await step(me, 0, 3).waitFor();
    await me.getByRole('button', { name: 'Add a lot' }).click();
    await step(me, 1, 3).waitFor();
    await me.locator('[data-lot="1"]').getByLabel('Quantity').fill('30');
    const starts = [
      [0, 25, 55],
      [20, 25, 80],
    ];
    for (const [lot, ticks] of starts.entries()) {
      for (const [i, tick] of ticks.entries()) {
        await step(me, lot, i + 1)
          .getByLabel('Start tick')
          .fill(String(tick));
      }
    }
    await me.getByRole('button', { name: 'Analyse the plan' }).click();
    await step(me, 1, 2).locator('[data-code="STEP_OVERLAP"]').waitFor();
    await shot(me, 'chip-plan-violations');
    await step(me, 1, 2).getByLabel('Start tick').fill('47');
    await me.getByRole('button', { name: 'Analyse the plan' }).click();
    await me.getByText('Feasible 可行').waitFor();
    await shot(me, 'chip-plan-analysis');
    await me.getByRole('button', { name: /Confirm and pay/ }).click();
    await me.locator('.page-header [data-status="PAID"]').waitFor();
    await shot(me, 'chip-order');
    await me.goto(`${origin}/chip/plan`);
    await me.getByLabel('Chips in all').fill('120');
    await me.getByRole('button', { name: 'Suggest a plan' }).click();
    await me.getByRole('list', { name: 'Suggested plans' }).waitFor();
    await shot(me, 'chip-plan-suggested');

    // Insurance: a plan order paid and booked; the operator's form; the consumer's live page.
    await me.getByRole('link', { name: 'Insurance' }).click();
    await me.getByTestId('plate').first().waitFor();
    await shot(me, 'insurance-vehicles');
    await me.getByRole('link', { name: 'Insure with plans' }).first().click();
    for (const item of [/交强险/, /玻璃单独破碎险/, /划痕险/]) {
      await me.getByRole('checkbox', { name: item }).uncheck();
    }
    await me.getByLabel('Promotion').selectOption({ index: 1 });
    await shot(me, 'insurance-plan-order-form');
    await me.getByRole('button', { name: 'Place the plan order' }).click();
    await me.getByRole('button', { name: /^Pay / }).click();
    await me.locator('.page-header [data-status="PAID"]').waitFor();
    await me.getByLabel('Where').fill('北京市东城区东直门东方银座');
    await me.getByRole('button', { name: 'Book the inspection' }).click();
    await me.locator('.page-header [data-status="UNDERWRITING"]').waitFor();
    const planOrder = new URL(me.url()).pathname;

    const op = await open(browser, origin);
    await logIn(op, operator);
    await op.locator('[data-testid="work-queues"] .order-row').first().waitFor();
    await shot(op, 'operator-work-queues');
    await op.goto(`${origin}/operator/underwriting/${planOrder.split('/').pop()}`);
    await op.getByRole('button', { name: 'Add a problem' }).click();
    await op.getByLabel('Type').fill('剐蹭');
    await op.getByLabel('Description').fill('追尾。。。。');
    await op.getByLabel('Certificates 证件').selectOption('PARTIAL');
    await op.getByLabel(/Photo addresses/).fill('http://www.baidu.com');
    await op.getByRole('button', { name: 'Save the inspection' }).click();
    await op.getByRole('list', { name: 'Problems' }).waitFor();
    await op.getByRole('radio', { name: '通过 Passed' }).check();
    await op.getByRole('button', { name: 'Submit the result' }).click();
    await op.locator('.page-header [data-status="EFFECTIVE"]').waitFor();
    await shot(op, 'operator-underwriting');
    await me.locator('.page-header [data-status="EFFECTIVE"]').waitFor();
    await shot(me, 'insurance-plan-order-effective');

    // Shop: a cart quoted, the order confirmed and paid.
    await me.getByRole('link', { name: 'Shop' }).click();
    await me.getByRole('link', { name: /鲜果时光/ }).click();
    await me.getByLabel('Count of 富士苹果 Fuji apples (1 kg)').fill('2');
    await me.getByLabel('Count of 丹东草莓 Dandong strawberries (500 g)').fill('1');
    await me.getByTestId('cart-total').getByText('¥70.60').waitFor();
    await me.getByLabel('Recipient 收件人').fill('李雷');
    await me.getByLabel('Address 地址').fill('北京市海淀区中关村大街 27 号 1101 室');
    await me.getByLabel('Telephone 电话').fill('138-0013-8000');
    await shot(me, 'shop-cart');
    await me.getByRole('button', { name: 'Confirm the order' }).click();
    await me.getByRole('button', { name: /^Pay / }).click();
    await me.locator('.page-header [data-status="PAID"]').waitFor();
    await shot(me, 'shop-order');
    await me.getByRole('link', { name: 'Orders', exact: true }).click();
    await me.locator('.order-row').first().waitFor();
    await shot(me, 'orders');
    await me.getByRole('link', { name: 'Balance' }).click();
    await me.getByTestId('balance').waitFor();
    await shot(me, 'balance-ledger');

    const ad = await open(browser, origin);
    await logIn(ad, admin, '/admin');
    await ad.getByTestId('clock-now').waitFor();
    await ad.locator('[data-plant]').first().waitFor();
    await shot(ad, 'admin');

    const phone = await open(browser, origin, PHONE);
    await logIn(phone, consumer);
    await phone.locator('.order-row').first().waitFor();
    await shot(phone, 'phone-home');
    await phone.goto(origin + planOrder);
    await phone.getByTestId('order-no').waitFor();
    await shot(phone, 'phone-order');
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
