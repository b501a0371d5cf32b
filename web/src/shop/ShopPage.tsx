import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { ShopProductsDocument } from '../generated/graphql.ts';
import { Link } from '../app/router.tsx';
import { Empty, ErrorNotice, Loading } from '../shared/feedback.tsx';
import { money } from '../shared/format.ts';
import { Page, Section } from '../shared/layout.tsx';
import { cartLines, type Cart } from './cart.ts';
import { CartQuotePanel } from './CartQuotePanel.tsx';
import { CheckoutForm } from './CheckoutForm.tsx';

export function ShopPage({ id }: { id: string }) {
  const { data, loading, error, refetch } = useQuery(ShopProductsDocument, { variables: { id } });
  const [cart, setCart] = useState<Cart>({});
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what="Loading the shop" />;
  const shop = data?.shop;
  if (!shop) {
    return (
      <Page title="Shop not found">
        <p>
          There is no such shop. <Link to="/shop">See the shops</Link>.
        </p>
      </Page>
    );
  }
  const lines = cartLines(cart);
  return (
    <Page title={`${shop.cnName} ${shop.enName}`}>
      <Section title="Products 商品">
        {!shop.products.length && <Empty>This shop sells nothing yet.</Empty>}
        <ul className="products" aria-label="Products">
          {shop.products.map((p) => (
            <li key={p.id} className="product" data-product={p.id}>
              <span className="product-name">{p.name}</span>
              <span className="num">{money(p.price)}</span>
              <span className="muted">{p.stock ? `${p.stock} in stock` : 'sold out'}</span>
              <label className="count">
                <span className="sr-only">Count of {p.name}</span>
                <input
                  type="number"
                  min={0}
                  max={9999}
                  name={`count-${p.id}`}
                  value={cart[p.id] ?? 0}
                  onChange={(e) => setCart({ ...cart, [p.id]: Number(e.target.value) || 0 })}
                />
              </label>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Cart 购物车">
        {lines.length ? (
          <>
            <CartQuotePanel shopId={shop.id} lines={lines} />
            <CheckoutForm shopId={shop.id} lines={lines} />
          </>
        ) : (
          <Empty>Your cart is empty: set a count beside a product.</Empty>
        )}
      </Section>
    </Page>
  );
}
