import { useQuery } from '@apollo/client/react';
import { ShopsDocument } from '../generated/graphql.ts';
import { Link } from '../app/router.tsx';
import { Empty, ErrorNotice, Loading } from '../shared/feedback.tsx';
import { Page, Section } from '../shared/layout.tsx';
import { OrderList } from '../orders/OrderList.tsx';

export function ShopsPage() {
  const { data, loading, error, refetch } = useQuery(ShopsDocument);
  return (
    <Page title="Shops 商城">
      <ErrorNotice error={error} retry={() => void refetch()} />
      {loading && !data && <Loading what="Loading the shops" />}
      {data && !data.shops.length && <Empty>No shops are open.</Empty>}
      <div className="grid-3">
        {data?.shops.map((shop) => (
          <Link key={shop.id} to={`/shop/${shop.id}`} className="tile">
            <strong>{shop.cnName}</strong>
            <span>{shop.enName}</span>
          </Link>
        ))}
      </div>
      <Section title="My shop orders">
        <OrderList kind="SHOP" first={10} />
      </Section>
    </Page>
  );
}
