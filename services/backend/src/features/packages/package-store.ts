import type { PackageView } from '../../contract/console-api.js';
import type { Pools, Queryable } from '../../infra/db.js';
import { updateRow } from '../../infra/row-update.js';

/**
 * A package row: the terms its view shows, credit limits in micro-dollars like every credit
 * column (the view shows US dollars).
 */
export interface Package extends PackageView {
  status: 'active' | 'archived';
  created_at: Date;
}

export type NewPackage = Omit<Package, 'id' | 'status' | 'created_at'>;

/** A package priced 0 is never sold (the catalogue hides it, orders refuse it): staff grant it, or codes redeem it. */
export const isGrantOnly = (p: Pick<Package, 'price_cents'>): boolean => p.price_cents <= 0;

/** On sale: active and priced (what the console's catalogue lists and an order may buy). */
export const isOnSale = (p: Pick<Package, 'status' | 'price_cents'>): boolean => p.status === 'active' && !isGrantOnly(p);

/** The plan terms a period copies when it is granted (besides the daily request and token limits and the RPM). */
export const PLAN_COLUMNS = [
  'daily_credit_limit',
  'five_hour_request_limit',
  'five_hour_token_limit',
  'five_hour_credit_limit',
  'weekly_request_limit',
  'weekly_token_limit',
  'weekly_credit_limit',
  'max_concurrent_streams',
  'models',
] as const;

export type PlanTerms = Pick<Package, (typeof PLAN_COLUMNS)[number]>;

/** The plan terms of a package (what a period granted now copies). */
export const planTerms = (p: PlanTerms): PlanTerms => Object.fromEntries(PLAN_COLUMNS.map((c) => [c, p[c]])) as PlanTerms;

const COLUMNS = `id, name, description, daily_request_limit, daily_token_limit, rpm_limit, ${PLAN_COLUMNS.join(', ')}, duration_days, price_cents, currency, status, created_at`;

const EDITABLE = new Set([
  'name',
  'description',
  'daily_request_limit',
  'daily_token_limit',
  'rpm_limit',
  ...PLAN_COLUMNS,
  'duration_days',
  'price_cents',
  'currency',
  'status',
]);

/** A new package, on sale when it is priced (the store's create, and the seeded price list). */
export async function insertPackage(db: Queryable, p: NewPackage): Promise<Package> {
  const { rows } = await db.query<Package>(
    `INSERT INTO packages (name, description, daily_request_limit, daily_token_limit, rpm_limit, duration_days, price_cents, currency, ${PLAN_COLUMNS.join(', ')})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${PLAN_COLUMNS.map((_, i) => `$${i + 9}`).join(', ')})
     RETURNING ${COLUMNS}`,
    [
      p.name,
      p.description,
      p.daily_request_limit,
      p.daily_token_limit,
      p.rpm_limit,
      p.duration_days,
      p.price_cents,
      p.currency,
      ...PLAN_COLUMNS.map((c) => p[c]),
    ],
  );
  return rows[0]!;
}

const TABLE = { name: 'packages', key: 'id', columns: COLUMNS, editable: EDITABLE };

export function createPackageStore({ pools }: { pools: Pools }) {
  return {
    create: (p: NewPackage, db: Queryable = pools.primary): Promise<Package> => insertPackage(db, p),

    /** On the primary: an admin lists packages right after creating one (and the table is small). */
    async list(): Promise<Package[]> {
      return (await pools.primary.query<Package>(`SELECT ${COLUMNS} FROM packages ORDER BY id`)).rows;
    },

    /** Packages on sale, cheapest first. */
    async listOnSale(): Promise<Package[]> {
      return (await pools.primary.query<Package>(`SELECT ${COLUMNS} FROM packages WHERE status = 'active' AND price_cents > 0 ORDER BY price_cents, id`)).rows;
    },

    /** Locks the package for a change in `tx`; its state before. */
    async lock(tx: Queryable, id: number): Promise<Package | undefined> {
      return (await tx.query<Package>(`SELECT ${COLUMNS} FROM packages WHERE id = $1 FOR UPDATE`, [id])).rows[0];
    },

    /** Changes what is sold from now on; periods already granted keep the terms they copied. */
    update(tx: Queryable, id: number, change: Partial<NewPackage & { status: Package['status'] }>): Promise<Package | undefined> {
      return updateRow<Package>(tx, TABLE, id, change);
    },

    /** On the primary: a package is often granted right after it is created. */
    async get(id: number): Promise<Package | undefined> {
      return (await pools.primary.query<Package>(`SELECT ${COLUMNS} FROM packages WHERE id = $1`, [id])).rows[0];
    },
  };
}

export type PackageStore = ReturnType<typeof createPackageStore>;
