import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, startTestApp, type TestApp } from '../utils/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('the service', () => {
  it('logs the seed consumer in and shows their balance', async () => {
    const token = await t.login(demo.consumer);
    const res = await t.gql(`{ me { id balance } }`, {}, { token });
    expect(res.data.me).toEqual({ id: demo.consumer.id, balance: '200000.00' });
  });
});
