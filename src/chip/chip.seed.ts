import type { EntityManager } from '@mikro-orm/postgresql';
import { money } from '../platform/money.ts';
import { factoryCatalog } from './factory-catalog.service.ts';
import { readRows } from '../platform/db/read-rows.ts';
import { Capability, Chip } from './chip.entity.ts';
import { Plant, PlantStatus } from './plant.entity.ts';
import { plantCapabilities } from './plant-capability.service.ts';

/**
 * The demo factory. DM878's five operations list the plants in a fixed order. CK101's three
 * steps are done by the plants of docs/chip.md's analysis example, with unit times and costs
 * that make that example feasible at tick 0 (docs/chip.md works it through): lot 1 (50 chips)
 * leaves "Reed, Spence and Harris" at tick 20, just as lot 2 (30 chips) starts there, and so
 * on. NB666 has four steps, so that page's second example (two plants, three start times) is
 * visibly short of both.
 */

interface CapabilitySeed {
  plant: string;
  unitCost: string;
  unitTime: string;
}

interface ChipSeed {
  name: string;
  operations: { name: string; plants: (string | CapabilitySeed)[] }[];
}

const DM878_PLANTS = [
  ['Brown Inc', 'Davis PLC', 'Hendricks, Price and Lewis', 'Miller PLC', 'Woods Inc'],
  [
    'Lowery Ltd',
    'Lowe-Mcintyre',
    'Duncan Ltd',
    'Bridges-Hernandez',
    'Solis-Spencer',
    'Jones Ltd',
    'Watts PLC',
    'Powell Group',
  ],
  [
    'Blankenship, Howell and Howell',
    'Fisher, Warren and Moore',
    'Young, Taylor and Jones',
    'Fox Ltd',
    'Ruiz-Jones',
    'Bates, Nelson and Sanchez',
  ],
  [
    'Mooney-Taylor',
    'Alvarado PLC',
    'Mckee-Esparza',
    'Robinson LLC',
    'Davis, Murphy and Osborne',
    'George LLC',
  ],
  [
    'Reed, Spence and Harris',
    'King-Oneal',
    'Arnold-Carlson',
    'Reed, Johnson and Mitchell',
    'Hall, Woods and Sanchez',
    'Douglas-Franklin',
    'Stone Group',
    'Lewis Inc',
    'Pace, Powell and Stone',
    'Clark-Ford',
  ],
];

const MORE_PLANTS = [
  'Diaz, Andersen and Cooper',
  'Fernandez, Boyd and Palmer',
  'Hughes-Garcia',
  'Patel Group',
  'Nguyen LLC',
  'Kim, Lopez and Wright',
  'Ortiz Inc',
  'Schmidt PLC',
  'Turner-Vasquez',
  'Walsh and Sons',
  'Chen, Park and Ito',
  'Moreno Ltd',
  'Gallagher-Hunt',
  'Ramirez, Cole and Shaw',
];

/** Every demo plant, in the factory page's order. */
export const DEMO_PLANTS: string[] = [...DM878_PLANTS.flat(), ...MORE_PLANTS];

/** Plants that do not start RUNNING. */
const DEMO_STATUS: Record<string, PlantStatus> = {
  'Lewis Inc': PlantStatus.MAINTENANCE,
  'Gallagher-Hunt': PlantStatus.MAINTENANCE,
  'Woods Inc': PlantStatus.IDLE,
  'Moreno Ltd': PlantStatus.IDLE,
};

/** FNV-1a: the same plant and step always get the same made-up figures. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function figures(chip: string, step: number, plant: string): CapabilitySeed {
  const h = hash(`${chip}/${step}/${plant}`);
  return {
    plant,
    unitCost: `${40 + (h % 360)}.${String((h >>> 9) % 4 === 0 ? 50 : 0).padStart(2, '0')}`,
    unitTime: (0.1 + ((h >>> 13) % 20) * 0.05).toFixed(2),
  };
}

/** `count` plants of the pool for one step of a made-up chip, spread out deterministically. */
function pick(chip: string, step: number, count: number): string[] {
  const start = hash(`${chip}#${step}`) % DEMO_PLANTS.length;
  return Array.from({ length: count }, (_, i) => DEMO_PLANTS[(start + i * 7) % DEMO_PLANTS.length]);
}

const STEP_NAMES = [
  'Wafer cleaning',
  'Oxidation',
  'Photolithography',
  'Etching',
  'Ion implantation',
  'Deposition',
  'Metallization',
  'Wafer test',
  'Dicing',
  'Packaging',
];

function madeUp(name: string, steps: number, plantsPerStep: number): ChipSeed {
  return {
    name,
    operations: Array.from({ length: steps }, (_, s) => ({
      name: STEP_NAMES[Math.floor((s * STEP_NAMES.length) / steps)],
      plants: pick(name, s + 1, plantsPerStep + (s % 2)),
    })),
  };
}

export const DEMO_CHIPS: ChipSeed[] = [
  {
    name: 'DM878',
    operations: [
      'Wafer cleaning',
      'Photolithography',
      'Etching',
      'Ion implantation',
      'Packaging and test',
    ].map((name, s) => ({ name, plants: DM878_PLANTS[s] })),
  },
  {
    name: 'CK101',
    operations: [
      {
        name: 'Photolithography',
        plants: [
          { plant: 'Reed, Spence and Harris', unitCost: '250.00', unitTime: '0.40' },
          { plant: 'Hughes-Garcia', unitCost: '230.00', unitTime: '0.50' },
          { plant: 'Brown Inc', unitCost: '290.00', unitTime: '0.35' },
        ],
      },
      {
        name: 'Deposition',
        plants: [
          { plant: 'Diaz, Andersen and Cooper', unitCost: '300.00', unitTime: '0.42' },
          { plant: 'Patel Group', unitCost: '280.00', unitTime: '0.50' },
          { plant: 'Lowery Ltd', unitCost: '310.00', unitTime: '0.45' },
        ],
      },
      {
        name: 'Packaging',
        plants: [
          { plant: 'Fernandez, Boyd and Palmer', unitCost: '200.00', unitTime: '0.48' },
          { plant: 'Nguyen LLC', unitCost: '180.00', unitTime: '0.60' },
          { plant: 'Clark-Ford', unitCost: '240.00', unitTime: '0.40' },
        ],
      },
    ],
  },
  {
    name: 'NB666',
    operations: [
      { name: 'Oxidation', plants: ['Ortiz Inc', 'Schmidt PLC', 'Davis PLC'] },
      {
        name: 'Photolithography',
        plants: ['Turner-Vasquez', 'Solis-Spencer', 'Fisher, Warren and Moore'],
      },
      { name: 'Metallization', plants: ['Walsh and Sons', 'Fox Ltd', 'Robinson LLC'] },
      { name: 'Wire bonding', plants: ['Chen, Park and Ito', 'King-Oneal', 'Moreno Ltd'] },
    ],
  },
  madeUp('AX200', 4, 3),
  madeUp('QZ512', 6, 3),
  madeUp('LT330', 3, 4),
  madeUp('MV740', 5, 2),
  madeUp('RS909', 7, 3),
  madeUp('PX101', 2, 5),
  madeUp('HG256', 8, 2),
  madeUp('TK450', 10, 3),
  // The rest of the catalogue (issue 3 asks for tens of chips): a spread of step counts and of
  // plants per step, so the order page shows short and long chips, rare and common steps.
  madeUp('BT300', 4, 3),
  madeUp('EM512', 5, 3),
  madeUp('FX220', 3, 3),
  madeUp('GP940', 9, 2),
  madeUp('IR150', 3, 2),
  madeUp('JC808', 6, 2),
  madeUp('KS350', 5, 4),
  madeUp('MC032', 4, 2),
  madeUp('NV128', 7, 2),
  madeUp('OP660', 2, 3),
  madeUp('SN077', 4, 4),
  madeUp('UV405', 6, 3),
  madeUp('WL600', 5, 3),
];

/**
 * Adds whatever demo plants, chips and capabilities are missing (by name / step / plant)
 * through the factory catalogue's own rules (history included); never touches what exists, so
 * an ADMIN's plant statuses and figures survive a re-seed, and a removed plant stays removed.
 */
export async function seedChips(em: EntityManager): Promise<void> {
  await em.transactional(async (tx) => {
    const [plantRows, chipRows, capabilityRows] = await Promise.all([
      readRows(tx, Plant, {}),
      readRows(tx, Chip, {}),
      readRows(tx, Capability, {}),
    ]);
    const plants = new Map(
      plantRows.map((p) => [p.name, { id: p.id, name: p.name, removed: p.removedAt !== null }]),
    );
    const chips = new Set(chipRows.map((c) => c.name));
    const chipName = new Map(chipRows.map((c) => [c.id, c.name]));
    const plantName = new Map(plantRows.map((p) => [p.id, p.name]));
    const capabilities = new Set(
      capabilityRows.map((c) => `${chipName.get(c.chipId)}/${c.step}/${plantName.get(c.plantId)}`),
    );
    for (const name of DEMO_PLANTS) {
      if (plants.has(name)) continue;
      const status = DEMO_STATUS[name] ?? PlantStatus.RUNNING;
      const plant = await factoryCatalog.addPlant(tx, null, { name, status });
      plants.set(name, { id: plant.id, name, removed: false });
    }
    for (const chip of DEMO_CHIPS) {
      if (!chips.has(chip.name)) {
        const operations = chip.operations.map((o) => ({ name: o.name }));
        await factoryCatalog.addChip(tx, null, { name: chip.name, operations });
      }
      for (const [s, operation] of chip.operations.entries()) {
        for (const p of operation.plants) {
          const seed = typeof p === 'string' ? figures(chip.name, s + 1, p) : p;
          const plant = plants.get(seed.plant)!;
          if (plant.removed || capabilities.has(`${chip.name}/${s + 1}/${seed.plant}`)) continue;
          await plantCapabilities.add(tx, null, {
            plantId: String(plant.id),
            chipName: chip.name,
            step: s + 1,
            unitCost: money(seed.unitCost),
            unitTime: Number(seed.unitTime),
          });
        }
      }
    }
  });
}
