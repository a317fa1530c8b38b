-- Up Migration
-- Two roles. The one running the migrations owns the schema: DDL, triggers, TRUNCATE. The
-- backends, the usage flusher and the CLI connect as gateway_app (or as a login role that
-- is a member of it), which reads and writes rows and nothing more; on the audit log only
-- INSERT and SELECT, so that the append-only trigger is a second wall, not the only one.
-- The migrate step gives the login role its password (services/backend/src/infra/db-roles.ts).
DO $$
BEGIN
  CREATE ROLE gateway_app NOLOGIN;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END
$$;

-- Only the owner creates objects (PostgreSQL 15's default; older clusters let everyone).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO gateway_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO gateway_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO gateway_app;
REVOKE UPDATE, DELETE ON audit_log FROM gateway_app;
-- The migrations' own bookkeeping is the owner's.
REVOKE ALL ON pgmigrations FROM gateway_app;
REVOKE ALL ON SEQUENCE pgmigrations_id_seq FROM gateway_app;

-- What later migrations create gets the same grants (a table that must not be, like the
-- audit log, revokes them in its own migration).
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO gateway_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO gateway_app;

-- Monthly usage_logs partitions are DDL on the owner's table. The backends keep them ready
-- (and drop the months past the retention) through these two functions, which run as
-- their owner; nobody else may call them.
ALTER FUNCTION ensure_usage_logs_partitions(integer) SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION drop_usage_logs_partitions_before(timestamptz) SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION ensure_usage_logs_partitions(integer), drop_usage_logs_partitions_before(timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_usage_logs_partitions(integer), drop_usage_logs_partitions_before(timestamptz) TO gateway_app;

-- Down Migration
GRANT EXECUTE ON FUNCTION ensure_usage_logs_partitions(integer), drop_usage_logs_partitions_before(timestamptz) TO PUBLIC;
ALTER FUNCTION ensure_usage_logs_partitions(integer) SECURITY INVOKER RESET search_path;
ALTER FUNCTION drop_usage_logs_partitions_before(timestamptz) SECURITY INVOKER RESET search_path;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM gateway_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM gateway_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM gateway_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM gateway_app;
REVOKE USAGE ON SCHEMA public FROM gateway_app;
-- The role stays: roles belong to the cluster, and its login members may be in use.
