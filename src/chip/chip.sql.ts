import { PlantType } from './chip.types.ts';
import type { PlantStatus } from './plant.entity.ts';

/** Any JSON value as one text parameter, for `?::jsonb` (names, row sets). */
export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** pg returns bigint as text; ticks fit a double exactly (the unit-time cap sees to it). */
export function tick(value: string | number): number {
  return Number(value);
}

/** A chip_bookings row as the raw reads select it (ticks are bigint, so strings). */
export interface BookingSqlRow {
  plant_id: number;
  order_id: string;
  lot: number;
  step: number;
  start_tick: string;
  end_tick: string;
}

export interface PlantSqlRow {
  id: number;
  name: string;
  status: PlantStatus;
  version: number;
  removed_at: Date | string | null;
}

/** The columns of a plant every read takes (prefixed with `p.` where tables are joined). */
export const PLANT_COLUMNS = 'id, name, status, version, removed_at';

export const toPlant = (row: PlantSqlRow) =>
  Object.assign(new PlantType(), {
    id: row.id,
    name: row.name,
    status: row.status,
    version: row.version,
    removedAt: row.removed_at == null ? null : new Date(row.removed_at),
  });
