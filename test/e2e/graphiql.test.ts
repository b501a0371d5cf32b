import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelOrderDocument } from '../generated/graphql.ts';
import { launchChromium } from '../utils/browser.ts';
import { OrderFactory } from '../utils/factories.ts';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
let browser: Browser;
beforeAll(async () => {
  t = await startTestApp();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function openGraphiQL(query: string): Promise<Page> {
  const page = await browser.newPage();
  const external: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(t.url.replace('/graphql', '')) && !/^(data|blob):/.test(req.url())) {
      external.push(req.url());
    }
  });
  await page.goto(`${t.url}?query=${encodeURIComponent(query)}`);
  await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
  expect(external, 'GraphiQL must load nothing from outside the service').toEqual([]);
  return page;
}

async function runAndReadResult(page: Page, expected: string): Promise<string> {
  await page.click('.graphiql-execute-button');
  const response = page.locator('.graphiql-response');
  await response.getByText(expected).first().waitFor({ timeout: 15_000 });
  // The editor renders spaces as no-break spaces.
  return (await response.innerText()).replace(/\u00a0/g, ' ');
}

describe('GraphiQL at /graphql', () => {
  it('is served from the service itself, with no CDN', async () => {
    const res = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Orderly GraphiQL');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
  });

  it('runs a query in a real browser and shows its result', async () => {
    const page = await openGraphiQL('query Anonymous { me { id } }');
    const text = await runAndReadResult(page, '"me"');
    expect(JSON.parse(text)).toEqual({ data: { me: null } });
    await page.close();
  });

  it('sends an Authorization header typed into its headers editor', async () => {
    const token = await t.login(demo.consumer);
    const page = await openGraphiQL('query Me { me { id name } }');
    await page.getByText('Headers', { exact: true }).click();
    const editor = page.locator('.graphiql-editor-tool .graphiql-editor').last();
    await editor.click();
    // insertText bypasses the editor's bracket auto-closing.
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));
    const text = await runAndReadResult(page, demo.consumer.id);
    expect(JSON.parse(text).data.me.id).toBe(demo.consumer.id);
    await page.close();
  });
});

describe('GraphiQL subscriptions', () => {
  it('runs a subscription over graphql-ws on the same path and shows a live event', async () => {
    const staffToken = await t.login(demo.operator);
    const owner = await t.login(demo.consumer);
    const page = await openGraphiQL(
      'subscription Live { orderStatusChanged { type toStatus orderId } }',
    );
    await page.getByText('Headers', { exact: true }).click();
    await page.locator('.graphiql-editor-tool .graphiql-editor').last().click();
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${staffToken}` }));
    await page.waitForTimeout(800); // GraphiQL saves the headers editor a moment after typing
    await page.click('.graphiql-execute-button');
    // Live delivery starts when the server holds the subscription: wait for that.
    await expect
      .poll(
        async () =>
          (await fetch(t.url.replace('/graphql', '/healthz/live')).then((r) => r.json()))
            .subscriptions,
        {
          timeout: 15_000,
        },
      )
      .toBe(1);
    const order = await new OrderFactory(t.app.orm).create(demo.consumer.id);
    const cancelled = await t.gql(CancelOrderDocument, { orderId: order.id }, { token: owner });
    expect(cancelled.data?.cancelOrder.errors).toEqual([]);
    const response = page.locator('.graphiql-response');
    await response.getByText('CANCELLED').first().waitFor({ timeout: 15_000 });
    expect(await response.innerText()).toContain(order.id);
    await page.close();
  });
});

describe('GraphiQL with a stale token in its headers, as it keeps them across reloads', () => {
  /** A token the service signed for a session, expired ten seconds ago. */
  const expiredToken = () =>
    jwt.sign({ role: 'CONSUMER', sid: randomUUID() }, t.app.config.jwtSecret, {
      subject: demo.consumer.id,
      issuer: 'orderly',
      expiresIn: -10,
    });

  async function withStaleHeader(query: string): Promise<Page> {
    const page = await openGraphiQL(query);
    await page.getByText('Headers', { exact: true }).click();
    await page.locator('.graphiql-editor-tool .graphiql-editor').last().click();
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${expiredToken()}` }));
    await page.waitForTimeout(800); // GraphiQL saves the headers editor a moment after typing
    // A reload, as after a restart of the service: the headers come back from localStorage.
    await page.reload();
    await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    return page;
  }

  it('still loads the schema (the docs list the root types) and logs in', async () => {
    const page = await withStaleHeader(
      `mutation Login { login(consumerId: "${demo.consumer.id}", password: "${demo.consumer.password}") { token } }`,
    );
    await page
      .getByLabel(/documentation explorer/i)
      .first()
      .click();
    await page.locator('.graphiql-doc-explorer').getByText('Mutation').first().waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/Error fetching schema/);
    // The editor wraps the long token over lines: read it as text.
    const text = await runAndReadResult(page, '"token"');
    expect(text).toMatch(/"login": \{\s*"token":\s*"ey/);
    await page.close();
  });

  it('answers a field that needs a caller with UNAUTHENTICATED saying the token expired', async () => {
    const page = await withStaleHeader('query Orders { orders { totalCount } }');
    // The editor wraps the long message over lines: read it as text.
    const text = (await runAndReadResult(page, 'UNAUTHENTICATED')).replace(/\s+/g, ' ');
    expect(text).toMatch(/"message": "The token has expired; refresh it/);
    expect(text).toMatch(/"code": "UNAUTHENTICATED", "reason": "expired"/);
    await page.close();
  });

  it('fails a subscription at once, in words, instead of retrying', async () => {
    const page = await withStaleHeader('subscription Live { orderStatusChanged { cursor } }');
    const started = Date.now();
    const text = await runAndReadResult(page, 'UNAUTHENTICATED');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(text).toMatch(/token has expired/);
    await page.close();
  });

  it('fails a subscription sent with no Authorization header at once, saying to log in', async () => {
    const page = await openGraphiQL('subscription Live { orderStatusChanged { cursor } }');
    const started = Date.now();
    const text = await runAndReadResult(page, 'UNAUTHENTICATED');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(text).toMatch(/must be logged in/);
    await page.close();
  });
});
