-- Up Migration
-- Drops the monthly usage_logs partitions that end before `cutoff` (whole months only, so
-- a partition is never half deleted); returns how many were dropped. The default
-- partition is never dropped.
CREATE FUNCTION drop_usage_logs_partitions_before(cutoff timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  part record;
  dropped integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('ensure_usage_logs_partitions'));
  FOR part IN
    SELECT c.relname AS name,
           (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper_bound
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'usage_logs'::regclass AND c.relname <> 'usage_logs_default'
  LOOP
    IF part.upper_bound IS NOT NULL AND part.upper_bound <= cutoff THEN
      EXECUTE format('DROP TABLE %I', part.name);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  RETURN dropped;
END;
$$;

-- Down Migration
DROP FUNCTION IF EXISTS drop_usage_logs_partitions_before(timestamptz);
