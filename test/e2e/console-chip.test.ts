import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../utils/browser.ts';
import { consoleAs, waitForSubscribers } from '../utils/console-page.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let browser: Browser;
beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const step = (page: Page, lot: number, n: number) =>
  page.locator(`[data-lot="${lot}"] [data-step="${n}"]`);

describe('the chip flow in the console', () => {
  it('builds a plan lot by lot, shows a violation at its step, confirms, pays, and follows production live', async () => {
    const consumer = await consoleAs(browser, t, demo.consumer, '/chip');
    const me = consumer.page;
    // The factory page: plants, their status and calendars.
    await me.locator('[data-plant="Reed, Spence and Harris"]').getByText('Running').waitFor();
    expect(await me.locator('.plant-row').count()).toBe(49);
    await me.getByRole('link', { name: 'Plan a chip order' }).click();

    // Lot 0: CK101 × 50, the first capable plant of each step, the steps one after another.
    await step(me, 0, 3).waitFor();
    const plants = step(me, 0, 1).getByLabel('Plant');
    expect(await plants.locator('option').count()).toBeGreaterThan(1);
    expect(await plants.inputValue()).toBe('Reed, Spence and Harris');
    expect(await step(me, 0, 2).getByLabel('Start tick').inputValue()).toBe('20');

    // Lot 1 starts its step 2 before its step 1 ends: the analysis says so, at that step.
    await me.getByRole('button', { name: 'Add a lot' }).click();
    await step(me, 1, 3).waitFor();
    await me.locator('[data-lot="1"]').getByLabel('Quantity').fill('30');
    await me
      .locator('[data-lot="1"]')
      .getByRole('button', { name: /one after another/ })
      .click();
    await step(me, 1, 1).getByLabel('Start tick').fill('20');
    await step(me, 1, 2).getByLabel('Start tick').fill('25');
    await step(me, 1, 3).getByLabel('Start tick').fill('80');
    await me.getByRole('button', { name: 'Analyse the plan' }).click();
    await step(me, 1, 2).locator('[data-code="STEP_OVERLAP"]').waitFor();
    await step(me, 1, 2).locator('[data-code="PLANT_BUSY"]').waitFor();
    expect(await step(me, 0, 1).locator('.violations li').count()).toBe(0);
    expect(await me.getByRole('button', { name: /Confirm and pay/ }).isDisabled()).toBe(true);

    // The seed's worked example: lot 1 at [20, 47, 80], feasible, 60000.00 in all.
    await step(me, 1, 2).getByLabel('Start tick').fill('47');
    await me.getByText('The plan changed since its analysis').waitFor();
    await step(me, 0, 2).getByLabel('Start tick').fill('25');
    await step(me, 0, 3).getByLabel('Start tick').fill('55');
    await me.getByRole('button', { name: 'Analyse the plan' }).click();
    await me.getByText('Feasible 可行').waitFor();
    expect(await me.getByTestId('kpi-total-cost').textContent()).toBe('¥60,000.00');
    expect(await me.getByTestId('kpi-finish').textContent()).toBe('95');
    await me
      .getByRole('table', { name: 'Plant loads' })
      .getByText('Reed, Spence and Harris')
      .waitFor();
    await me.getByRole('figure', { name: 'Schedule per plant' }).getByText('L1·S3').waitFor();

    await me.getByRole('button', { name: 'Confirm and pay ¥60,000.00' }).click();
    await me.locator('.page-header [data-status="PAID"]').getByText('已支付').waitFor();
    await me.getByRole('figure', { name: 'Schedule per plant' }).waitFor();

    // The admin moves the production clock in another browser: the order moves on by itself.
    const admin = await consoleAs(browser, t, demo.admin, '/admin');
    await waitForSubscribers(t, 2);
    const ad = admin.page;
    await ad.getByRole('button', { name: 'Advance the clock' }).click();
    await ad.getByTestId('clock-now').getByText('1').waitFor();
    await me.locator('.page-header [data-status="IN_PRODUCTION"]').getByText('生产中').waitFor();
    await ad.getByLabel('Ticks').fill('94');
    await ad.getByRole('button', { name: 'Advance the clock' }).click();
    await me.locator('.page-header [data-status="COMPLETED"]').getByText('已完成').waitFor();

    await me.getByRole('link', { name: 'Balance' }).click();
    expect(await me.getByTestId('balance').textContent()).toBe('¥140,000.00');
    await consumer.close();
    await admin.close();
  });
});

describe('suggesting a chip plan', () => {
  it('fills the builder with the best plan the service suggests, which analyses as feasible at the suggested cost', async () => {
    const tab = await consoleAs(browser, t, demo.thirdConsumer, '/chip/plan');
    const me = tab.page;
    await step(me, 0, 3).waitFor();
    await me.getByLabel('Chip to make').selectOption('CK101');
    await me.getByLabel('Chips in all').fill('120');

    // Nothing can make 120 chips for ¥1.00: the service says why, and the builder is untouched.
    await me.getByLabel('Budget (CNY)').fill('1.00');
    await me.getByRole('button', { name: 'Suggest a plan' }).click();
    await me
      .getByRole('list', { name: 'Why no plan' })
      .locator('[data-code="OVER_BUDGET"]')
      .waitFor();
    expect(await me.locator('[data-lot="0"]').getByLabel('Quantity').inputValue()).toBe('50');

    await me.getByLabel('Budget (CNY)').fill('100000.00');
    await me.getByRole('button', { name: 'Suggest a plan' }).click();
    const best = me.getByRole('list', { name: 'Suggested plans' }).getByRole('listitem').first();
    const cost = /¥[\d,]+\.\d\d/.exec((await best.textContent())!)![0];
    // The builder holds the suggested lots: quantities adding up to 120, a plant and start per step.
    const lots = me.locator('fieldset[data-lot]');
    await expect
      .poll(async () => {
        let sum = 0;
        for (const quantity of await lots.getByLabel('Quantity').all())
          sum += Number(await quantity.inputValue());
        return sum;
      })
      .toBe(120);
    expect(await step(me, 0, 1).getByLabel('Plant').inputValue()).not.toBe('');

    await me.getByRole('button', { name: 'Analyse the plan' }).click();
    await me.getByText('Feasible 可行').waitFor();
    expect(await me.getByTestId('kpi-total-cost').textContent()).toBe(cost);
    await me.getByRole('button', { name: `Confirm and pay ${cost}` }).waitFor();
    expect(await me.getByRole('button', { name: `Confirm and pay ${cost}` }).isDisabled()).toBe(
      false,
    );
    await tab.close();
  });
});

describe('the admin pages', () => {
  it('deposits money and puts a plant into maintenance, which the plan builder then shows', async () => {
    const admin = await consoleAs(browser, t, demo.admin, '/admin');
    const ad = admin.page;
    await ad.getByLabel('Consumer id').fill(demo.otherConsumer.id);
    await ad.getByLabel('Amount (CNY)').fill('1000.50');
    await ad.getByRole('button', { name: 'Deposit' }).click();
    expect(await ad.getByTestId('balance-after').textContent()).toBe('¥51,000.50');
    await ad.getByLabel('Amount (CNY)').fill('1.005');
    await ad.getByRole('button', { name: 'Deposit' }).click();
    await ad
      .getByRole('alert')
      .filter({ hasText: /decimal|places/i })
      .waitFor();

    await ad.getByLabel('Status of Reed, Spence and Harris').selectOption('MAINTENANCE');
    await ad
      .locator('[data-plant="Reed, Spence and Harris"] [data-status="MAINTENANCE"]')
      .waitFor();
    await admin.close();

    const consumer = await consoleAs(browser, t, demo.otherConsumer, '/chip/plan');
    const plant = step(consumer.page, 0, 1).getByLabel('Plant');
    await plant
      .locator('option', { hasText: 'Reed, Spence and Harris' })
      .filter({ hasText: '(maintenance)' })
      .waitFor({ state: 'attached' });
    // Offered first: a plant that is not in maintenance.
    expect(await plant.inputValue()).not.toBe('Reed, Spence and Harris');
    await consumer.close();
  });
});
