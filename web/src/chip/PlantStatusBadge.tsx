import type { PlantStatus } from '../generated/graphql.ts';

const LABEL: Record<PlantStatus, string> = {
  RUNNING: '运行中 Running',
  IDLE: '空闲 Idle',
  MAINTENANCE: '维护中 Maintenance',
};

export function PlantStatusBadge({ status }: { status: PlantStatus }) {
  return (
    <span className={`badge plant-${status.toLowerCase()}`} data-status={status}>
      {LABEL[status]}
    </span>
  );
}

export const PLANT_STATUSES = Object.keys(LABEL) as PlantStatus[];
export const plantStatusLabel = (status: PlantStatus) => LABEL[status];
