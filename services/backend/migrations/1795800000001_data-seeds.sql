-- Up Migration
-- Data a deployment asked to be seeded into its database (SEED_PRICE_LIST: the local
-- stack's and the development compose file's price list). One row per seed, written in the
-- transaction that applies it: a seed runs once per database, so packages the operator
-- changed or deleted afterwards stay as the operator left them. The migrate step's own
-- bookkeeping, like pgmigrations: the application role has no use for it.
CREATE TABLE data_seeds (
  name        text PRIMARY KEY,
  applied_at  timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON data_seeds FROM gateway_app;

-- Down Migration
DROP TABLE IF EXISTS data_seeds;
