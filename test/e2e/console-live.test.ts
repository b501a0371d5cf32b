import type { Browser, BrowserContext, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../utils/browser.ts';
import { consoleAs, waitForSubscribers } from '../utils/console-page.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';
import { makeShop, paidShopOrder } from './shop-fixtures.ts';

let t: TestApp;
let browser: Browser;
beforeAll(async () => {
  [t, browser] = await Promise.all([startTestApp(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/**
 * The page's WebSockets go through this switch: while it is off, every socket is closed as a
 * server going away would close it (1001, which graphql-ws retries) and reconnects are refused.
 */
class SocketSwitch {
  private off = false;
  private readonly open = new Set<WebSocketRoute>();

  async install(context: BrowserContext): Promise<void> {
    await context.routeWebSocket(/\/graphql$/, (ws) => {
      if (this.off) {
        void ws.close({ code: 1001, reason: 'Going away' });
        return;
      }
      const server = ws.connectToServer();
      this.open.add(ws);
      ws.onClose(() => {
        this.open.delete(ws);
        void server.close();
      });
    });
  }

  async cut(): Promise<void> {
    this.off = true;
    await Promise.all([...this.open].map((ws) => ws.close({ code: 1001, reason: 'Going away' })));
  }

  restore(): void {
    this.off = false;
  }
}

describe('the live feed across a socket gap', () => {
  it('shows, once the socket is back, a status change made while it was gone, and only once', async () => {
    const consumerToken = await t.login(demo.consumer);
    const shop = await makeShop(t, [{ price: '3.00', stock: 10 }]);
    const orderId = await paidShopOrder(t, consumerToken, shop.id, shop.productIds[0]);

    const sockets = new SocketSwitch();
    const consumer = await consoleAs(browser, t, demo.consumer, `/orders/${orderId}`, {
      beforeLoad: (context) => sockets.install(context),
    });
    const me = consumer.page;
    const header = me.locator('.page-header');
    await header.locator('[data-status="PAID"]').waitFor();

    // The consumer's network drops; meanwhile an operator delivers the order on their page.
    await sockets.cut();
    await me.locator('[data-testid="live"]:not([data-state="live"])').waitFor();
    const operator = await consoleAs(browser, t, demo.operator, `/orders/${orderId}`);
    const op = operator.page;
    await waitForSubscribers(t, 1);
    await op.getByRole('button', { name: /Mark delivered/ }).click();
    await op.locator('.page-header [data-status="COMPLETED"]').waitFor();
    expect(await header.locator('[data-status="PAID"]').count()).toBe(1);

    // Back online: the feed resumes from the last event it applied and catches up by itself.
    sockets.restore();
    await me.locator('[data-testid="live"][data-state="live"]').waitFor({ timeout: 20_000 });
    await header.locator('[data-status="COMPLETED"]').getByText('已完成').waitFor();
    const delivered = me
      .getByRole('listitem')
      .filter({ hasText: 'Status changed' })
      .filter({ hasText: '已完成' });
    await delivered.first().waitFor();
    expect(await delivered.count()).toBe(1);
    await operator.close();
    await consumer.close();
  });
});
