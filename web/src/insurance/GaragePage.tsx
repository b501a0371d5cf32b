import { useQuery } from '@apollo/client/react';
import { GarageDocument } from '../generated/graphql.ts';
import { Link } from '../app/router.tsx';
import { Empty, ErrorNotice, Loading } from '../shared/feedback.tsx';
import { money, when } from '../shared/format.ts';
import { Page, Section, Table } from '../shared/layout.tsx';

export function GaragePage() {
  const { data, loading, error, refetch } = useQuery(GarageDocument);
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (loading && !data) return <Loading what="Loading your vehicles" />;
  const vehicles = data?.me?.vehicles ?? [];
  return (
    <Page title="Vehicle insurance 车险">
      {!vehicles.length && <Empty>You have no vehicles on file.</Empty>}
      {vehicles.map((vehicle) => (
        <Section
          key={vehicle.id}
          title={<span data-testid="plate">{vehicle.plateNumber}</span>}
          aside={<span className="muted">value {money(vehicle.value)}</span>}
        >
          <div className="actions">
            <Link className="button" to={`/insurance/${vehicle.id}/plan`}>
              Insure with plans
            </Link>
            <Link className="button button-secondary" to={`/insurance/${vehicle.id}/driver`}>
              Add drivers
            </Link>
            <Link className="button button-secondary" to={`/insurance/${vehicle.id}/sale`}>
              Buy items
            </Link>
          </div>
          <h3>Drivers 驾驶人</h3>
          {vehicle.drivers.length ? (
            <ul className="compact">
              {vehicle.drivers.map((d) => (
                <li key={d.id}>
                  {d.name} <span className="muted">{d.licenseNo}</span>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>No drivers added by an effective driver order yet.</Empty>
          )}
          <h3>Quotations 报价</h3>
          {vehicle.quotations.map((q) => (
            <Table key={q.id} label={`Quotation of ${when(q.createdAt)}`}>
              <caption>Quoted {when(q.createdAt)}</caption>
              <tbody>
                {q.items.map((item) => (
                  <tr key={item.planItem.id}>
                    <td>{item.plan.name}</td>
                    <td>{item.planItem.name}</td>
                    <td className="num">{money(item.price)}</td>
                  </tr>
                ))}
              </tbody>
            </Table>
          ))}
          {!vehicle.quotations.length && <Empty>No quotation for this vehicle yet.</Empty>}
        </Section>
      ))}
      {data && (
        <Section title="Plans 保险方案">
          <ul className="compact">
            {data.insurancePlans.map((plan) => (
              <li key={plan.id}>
                <strong>{plan.name}</strong>:{' '}
                {plan.items.map((i) => `${i.name} (${money(i.price)})`).join(', ')}
              </li>
            ))}
          </ul>
          <p className="muted">
            Promotions:{' '}
            {data.promotions.map((p) => `${p.name} (−${money(p.price)})`).join(', ') || 'none'} ·
            Fee per added driver: {money(data.driverFee)}
          </p>
        </Section>
      )}
    </Page>
  );
}
