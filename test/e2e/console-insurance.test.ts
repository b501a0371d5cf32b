import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlterNoteDocument } from '../generated/graphql.ts';
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

const status = (page: Page, value: string) => page.locator(`.page-header [data-status="${value}"]`);

async function payWithBalance(page: Page, amount: string) {
  await page.getByRole('button', { name: `Pay ${amount}` }).click();
}

describe('the insurance flow in the console', () => {
  it("places and pays a plan order, books the inspection, and shows the operator's underwriting live", async () => {
    const consumer = await consoleAs(browser, t, demo.consumer, '/insurance');
    const me = consumer.page;
    await me.getByTestId('plate').first().waitFor();
    await me.getByRole('link', { name: 'Insure with plans' }).first().click();
    // Every quoted item is chosen at first; keep the seed example's four: 2000 + 1000 + 1000 + 2000.
    await expect.poll(() => me.getByTestId('plan-payment').textContent()).toBe('¥7,650.00');
    for (const item of [/交强险/, /玻璃单独破碎险/, /划痕险/]) {
      await me.getByRole('checkbox', { name: item }).uncheck();
    }
    await expect.poll(() => me.getByTestId('plan-payment').textContent()).toBe('¥6,000.00');
    await me.getByLabel('Promotion').selectOption({ index: 1 });
    await expect.poll(() => me.getByTestId('plan-payment').textContent()).toBe('¥5,500.00');
    await me.getByRole('button', { name: 'Place the plan order' }).click();
    await status(me, 'PENDING_PAYMENT').waitFor();
    const orderId = new URL(me.url()).pathname.split('/').pop()!;
    await payWithBalance(me, '¥5,500.00');
    await status(me, 'PAID').getByText('已支付').waitFor();
    await me.getByLabel('Where').fill('北京市东城区东直门东方银座');
    await me.getByRole('button', { name: 'Book the inspection' }).click();
    await status(me, 'UNDERWRITING').getByText('核保中').waitFor();

    // The operator, in a browser of their own, finds it in the work queue and underwrites it.
    const operator = await consoleAs(browser, t, demo.operator, '/operator');
    const op = operator.page;
    await waitForSubscribers(t, 2);
    await op
      .locator('[data-testid="work-queues"] .order-row', { hasText: '京A' })
      .first()
      .waitFor();
    await op.goto(`${new URL(t.url).origin}/operator/underwriting/${orderId}`);
    await op.getByRole('button', { name: 'Add a problem' }).click();
    await op.getByLabel('Type').fill('剐蹭');
    await op.getByLabel('Description').fill('追尾。。。。');
    await op.getByLabel('Certificates 证件').selectOption('PARTIAL');
    await op.getByLabel(/Photo addresses/).fill('http://photos.example/1.jpg');
    await op.getByRole('button', { name: 'Save the inspection' }).click();
    await op.getByRole('list', { name: 'Problems' }).getByText('追尾。。。。').waitFor();
    await op.getByRole('link', { name: 'http://photos.example/1.jpg' }).waitFor();

    // The consumer's page shows the inspection filled in, without a reload.
    await me.getByRole('list', { name: 'Problems' }).getByText('剐蹭').waitFor();
    await op.getByRole('radio', { name: '通过 Passed' }).check();
    await op.getByRole('button', { name: 'Submit the result' }).click();
    await status(op, 'EFFECTIVE').waitFor();
    await status(me, 'EFFECTIVE').getByText('已生效').waitFor();
    await me.getByTestId('underwrite-result').getByText('通过 Passed').waitFor();

    // Changing the result to failed refunds the consumer: shown live, in the ledger too.
    await op.getByRole('radio', { name: '未通过 Failed' }).check();
    await op.getByRole('button', { name: 'Change the result' }).click();
    await status(me, 'REJECTED').getByText('核保未通过').waitFor();
    await me.getByRole('link', { name: 'Balance' }).click();
    await me.getByRole('list', { name: 'Ledger' }).getByText('+¥5,500.00').waitFor();
    expect(await me.getByTestId('balance').textContent()).toBe('¥200,000.00');

    await consumer.close();
    await operator.close();
  });

  // On the plan order the test above underwrote.
  it('says clearly that a note edited before someone else saved theirs was not saved', async () => {
    const consumerToken = await t.login(demo.consumer);
    const { data } = await t.gql<{ orders: { edges: { node: { id: string } }[] } }>(
      '{ orders(kind: PLAN, first: 1) { edges { node { id } } } }',
      {},
      { token: consumerToken },
    );
    const orderId = data!.orders.edges[0].node.id;
    const operator = await consoleAs(
      browser,
      t,
      demo.operator,
      `/operator/underwriting/${orderId}`,
    );
    const op = operator.page;
    const note = op.getByRole('form', { name: 'Note 备注' });
    await note.getByRole('textbox').fill('客户要求周末验车');
    // Meanwhile another member of staff saves a note of their own.
    const other = await t.login(demo.admin);
    const uw = await t.gql<{ underwriteByOrder: { id: string } }>(
      'query ($id: ID!) { underwriteByOrder(orderId: $id) { id } }',
      { id: orderId },
      { token: other },
    );
    const saved = await t.gql(
      AlterNoteDocument,
      {
        underwriteId: uw.data!.underwriteByOrder.id,
        note: 'Checked by the admin',
        noteUpdateTime: new Date(Date.now() + 1000).toISOString(),
      },
      { token: other },
    );
    expect(saved.data?.alterNote.errors).toEqual([]);
    await note.getByRole('button', { name: 'Save' }).click();
    await note.getByText('Someone changed this first').waitFor();
    await note.getByText(/Your change was not saved/).waitFor();
    await note.getByText('“Checked by the admin”').waitFor();
    await note.getByRole('button', { name: 'Use the stored value' }).click();
    await expect.poll(() => note.getByRole('textbox').inputValue()).toBe('Checked by the admin');
    await operator.close();
  });

  it('adds drivers and buys insurance items, each effective once paid', async () => {
    const consumer = await consoleAs(browser, t, demo.consumer, '/insurance');
    const me = consumer.page;
    await me.getByRole('link', { name: 'Add drivers' }).first().click();
    await me.getByRole('checkbox').first().check();
    await me.getByRole('checkbox').nth(1).check();
    await me.getByRole('button', { name: 'Place the driver order' }).click();
    await status(me, 'PENDING_PAYMENT').waitFor();
    await payWithBalance(me, '¥100.00');
    await status(me, 'EFFECTIVE').getByText('已生效').waitFor();

    await me.getByRole('link', { name: 'Insurance' }).click();
    await me.getByRole('link', { name: 'Buy items' }).first().click();
    await me.getByRole('checkbox').first().check();
    await me.getByRole('button', { name: 'Place the sale order' }).click();
    await status(me, 'PENDING_PAYMENT').waitFor();
    await me.getByRole('button', { name: /^Pay ¥/ }).click();
    await status(me, 'EFFECTIVE').waitFor();
    await me.getByText('Insurance items 保险项目').waitFor();
    await consumer.close();
  });
});
