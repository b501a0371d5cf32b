import { useMutation, useQuery } from '@apollo/client/react';
import { FactoryDocument, SetPlantStatusDocument, type PlantStatus } from '../generated/graphql.ts';
import { PLANT_STATUSES, plantStatusLabel, PlantStatusBadge } from '../chip/PlantStatusBadge.tsx';
import { ErrorNotice, Loading } from '../shared/feedback.tsx';
import { percent } from '../shared/format.ts';
import { Table } from '../shared/layout.tsx';

export function PlantStatusTable() {
  const plants = useQuery(FactoryDocument, { variables: { from: 0, to: 1 } });
  const [setStatus, { error, loading }] = useMutation(SetPlantStatusDocument);
  if (plants.error && !plants.data) return <ErrorNotice error={plants.error} />;
  if (!plants.data) return <Loading what="Loading the plants" />;
  return (
    <>
      <ErrorNotice error={error} />
      <Table label="Plant status">
        <thead>
          <tr>
            <th>Plant</th>
            <th>Status</th>
            <th>Booked (next 100 ticks)</th>
            <th>Change to</th>
          </tr>
        </thead>
        <tbody>
          {plants.data.plants.map((plant) => (
            <tr key={plant.id} data-plant={plant.name}>
              <td>{plant.name}</td>
              <td>
                <PlantStatusBadge status={plant.status} />
              </td>
              <td>{percent(plant.utilization)}</td>
              <td>
                <select
                  aria-label={`Status of ${plant.name}`}
                  value={plant.status}
                  disabled={loading}
                  onChange={(e) =>
                    void setStatus({
                      variables: { plantId: plant.id, status: e.target.value as PlantStatus },
                    }).catch(() => {})
                  }
                >
                  {PLANT_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {plantStatusLabel(s)}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </>
  );
}
