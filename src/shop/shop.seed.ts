import type { EntityManager } from '@mikro-orm/postgresql';
import { money } from '../platform/money.ts';
import { shopCatalogEditor } from './shop-catalog.service.ts';

/** Demo shops (Chinese and English names) and their products: [name, price, stock]. */
export const DEMO_SHOPS: {
  cnName: string;
  enName: string;
  products: [string, string, number][];
}[] = [
  {
    cnName: '鲜果时光',
    enName: 'Fresh Fruit Time',
    products: [
      ['富士苹果 Fuji apples (1 kg)', '12.80', 200],
      ['赣南脐橙 Gannan navel oranges (2.5 kg)', '39.90', 120],
      ['海南香蕉 Hainan bananas (1 kg)', '8.50', 150],
      ['阳光玫瑰葡萄 Shine Muscat grapes (500 g)', '29.90', 80],
      ['丹东草莓 Dandong strawberries (500 g)', '45.00', 60],
      ['库尔勒香梨 Korla fragrant pears (1 kg)', '16.80', 100],
      ['妃子笑荔枝 Feizixiao lychees (1 kg)', '36.00', 40],
      ['麒麟西瓜 Qilin watermelon (one)', '25.00', 30],
      ['烟台大樱桃 Yantai cherries (500 g)', '68.00', 25],
      ['金煌芒果 Jinhuang mangoes (2 kg)', '32.50', 70],
    ],
  },
  {
    cnName: '书香阁',
    enName: "Scholar's Bookhouse",
    products: [
      ['《三体》 The Three-Body Problem', '23.00', 50],
      ['《活着》 To Live', '20.00', 45],
      ['《红楼梦》 Dream of the Red Chamber', '59.70', 20],
      ['《围城》 Fortress Besieged', '19.00', 35],
      ['《平凡的世界》 Ordinary World (3 vols)', '108.00', 15],
      ['《边城》 Border Town', '16.00', 30],
      ['《骆驼祥子》 Rickshaw Boy', '18.50', 40],
      ['《呐喊》 Call to Arms', '15.00', 25],
      ['《文化苦旅》 A Bitter Cultural Journey', '32.00', 18],
      ['《人间词话》 Poetic Remarks in the Human World', '12.00', 22],
    ],
  },
  {
    cnName: '数码港',
    enName: 'Digital Harbour',
    products: [
      ['无线蓝牙耳机 Wireless earbuds', '299.00', 60],
      ['机械键盘 Mechanical keyboard', '459.00', 25],
      ['移动电源 20000 mAh power bank', '129.00', 80],
      ['USB-C 数据线 USB-C cable (2 m)', '29.90', 300],
      ['无线鼠标 Wireless mouse', '89.00', 90],
      ['智能手环 Fitness band', '199.00', 40],
      ['27 英寸显示器 27-inch monitor', '1299.00', 10],
      ['降噪耳机 Noise-cancelling headphones', '1899.00', 8],
      ['平板支架 Tablet stand', '49.00', 120],
      ['固态硬盘 1 TB SSD', '499.00', 35],
    ],
  },
  {
    cnName: '茶马古道',
    enName: 'Tea Horse Road',
    products: [
      ['西湖龙井 West Lake Longjing (250 g)', '268.00', 30],
      ['云南普洱 Yunnan Pu-erh cake (357 g)', '188.00', 45],
      ['安溪铁观音 Anxi Tieguanyin (250 g)', '158.00', 50],
      ['武夷大红袍 Wuyi Da Hong Pao (200 g)', '320.00', 20],
      ['祁门红茶 Keemun black tea (250 g)', '128.00', 40],
      ['福鼎白茶 Fuding white tea (300 g)', '236.00', 25],
      ['黄山毛峰 Huangshan Maofeng (250 g)', '148.00', 35],
      ['紫砂壶 Yixing clay teapot', '580.00', 6],
      ['青花瓷茶杯 Blue-and-white teacups (set of 6)', '96.00', 28],
      ['竹制茶盘 Bamboo tea tray', '165.00', 12],
    ],
  },
];

/**
 * Adds the demo shops and products that are missing (by name) through the catalogue's own
 * rules (shopCatalogEditor, history included); never touches existing rows.
 */
export async function seedShops(em: EntityManager): Promise<void> {
  await em.transactional(async (tx) => {
    const shops = new Map(
      (await tx.execute<{ id: string; en_name: string }[]>(`select id, en_name from shops`)).map(
        (s) => [s.en_name, String(s.id)],
      ),
    );
    const products = new Set(
      (
        await tx.execute<{ key: string }[]>(`select shop_id || ':' || name as key from products`)
      ).map((p) => p.key),
    );
    for (const demo of DEMO_SHOPS) {
      const shopId =
        shops.get(demo.enName) ??
        (await shopCatalogEditor.addShop(tx, null, { cnName: demo.cnName, enName: demo.enName }))
          .id;
      for (const [name, price, stock] of demo.products) {
        if (products.has(`${shopId}:${name}`)) continue;
        await shopCatalogEditor.addProduct(tx, null, { shopId, name, price: money(price), stock });
      }
    }
  });
}
