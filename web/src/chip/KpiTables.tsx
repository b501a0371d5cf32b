import type { ChipKpiFieldsFragment } from '../generated/graphql.ts';
import { money, percent } from '../shared/format.ts';
import { Table } from '../shared/layout.tsx';

export function KpiTables({ kpi }: { kpi: ChipKpiFieldsFragment }) {
  return (
    <div className="kpi">
      <Table label="Plan KPIs">
        <tbody>
          <tr>
            <th>Total cost</th>
            <td data-testid="kpi-total-cost">{money(kpi.totalCost)}</td>
            <th>Budget</th>
            <td>
              {money(kpi.budget)} ({percent(kpi.budgetUsage)} used)
            </td>
          </tr>
          <tr>
            <th>Finishes at tick</th>
            <td data-testid="kpi-finish">{kpi.finishTime}</td>
            <th>Expected by tick</th>
            <td>
              {kpi.expectedTime} (slack {kpi.slack})
            </td>
          </tr>
          <tr>
            <th>Total waiting</th>
            <td colSpan={3}>{kpi.totalWaitTime} ticks</td>
          </tr>
        </tbody>
      </Table>
      <Table label="Lots">
        <thead>
          <tr>
            <th>Lot</th>
            <th>Package</th>
            <th>Chip</th>
            <th>Quantity</th>
            <th>Cost</th>
            <th>Start</th>
            <th>Finish</th>
            <th>Waiting</th>
          </tr>
        </thead>
        <tbody>
          {kpi.lots.map((lot) => (
            <tr key={lot.lot}>
              <td>{lot.lot}</td>
              <td>{lot.packageId ?? '—'}</td>
              <td>{lot.chipName}</td>
              <td>{lot.quantity}</td>
              <td>{money(lot.cost)}</td>
              <td>{lot.start}</td>
              <td>{lot.finish}</td>
              <td>{lot.waitTime}</td>
            </tr>
          ))}
        </tbody>
      </Table>
      <Table label="Plant loads">
        <thead>
          <tr>
            <th>Plant</th>
            <th>Busy ticks</th>
            <th>Share of the plan's span</th>
          </tr>
        </thead>
        <tbody>
          {kpi.plantLoads.map((load) => (
            <tr key={load.plant.id}>
              <td>{load.plant.name}</td>
              <td>{load.busyTime}</td>
              <td>{percent(load.share)}</td>
            </tr>
          ))}
        </tbody>
      </Table>
    </div>
  );
}
