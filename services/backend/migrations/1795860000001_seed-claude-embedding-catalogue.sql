-- Up Migration
-- Anthropic's Claude models (served over the Messages API by an anthropic channel) and
-- OpenAI's embedding models, at their public list prices: micro-dollars per million input,
-- cache-read, cache-write (five-minute cache) and output tokens, from
-- https://www.anthropic.com/pricing and https://openai.com/api/pricing/ (standard tier).
-- claude-opus-4-8 is Claude Code's default model; it is priced as Opus 4.5 until its own
-- list price is entered. A name ending in '*' prices the dated snapshots
-- (claude-sonnet-4-5-20250929 …). Inserted once; afterwards the operator's to edit.
INSERT INTO models (name, input_price_micros, cached_input_price_micros, cache_write_price_micros, output_price_micros, max_output_tokens, notes) VALUES
  ('claude-opus-4-8', 5000000, 500000, 6250000, 25000000, 64000, 'seeded: Claude Opus 4.8 (Claude Code''s default), priced as Opus 4.5'),
  ('claude-opus-4-8-2*', 5000000, 500000, 6250000, 25000000, 64000, 'seeded: Claude Opus 4.8 dated snapshots'),
  ('claude-opus-4-5', 5000000, 500000, 6250000, 25000000, 64000, 'seeded: Claude Opus 4.5'),
  ('claude-opus-4-5-2*', 5000000, 500000, 6250000, 25000000, 64000, 'seeded: Claude Opus 4.5 dated snapshots'),
  ('claude-opus-4-1', 15000000, 1500000, 18750000, 75000000, 32000, 'seeded: Claude Opus 4.1'),
  ('claude-opus-4-1-2*', 15000000, 1500000, 18750000, 75000000, 32000, 'seeded: Claude Opus 4.1 dated snapshots'),
  ('claude-opus-4-2*', 15000000, 1500000, 18750000, 75000000, 32000, 'seeded: Claude Opus 4 dated snapshots (claude-opus-4-20250514)'),
  ('claude-sonnet-4-5', 3000000, 300000, 3750000, 15000000, 64000, 'seeded: Claude Sonnet 4.5'),
  ('claude-sonnet-4-5-2*', 3000000, 300000, 3750000, 15000000, 64000, 'seeded: Claude Sonnet 4.5 dated snapshots'),
  ('claude-sonnet-4-2*', 3000000, 300000, 3750000, 15000000, 64000, 'seeded: Claude Sonnet 4 dated snapshots (claude-sonnet-4-20250514)'),
  ('claude-haiku-4-5', 1000000, 100000, 1250000, 5000000, 64000, 'seeded: Claude Haiku 4.5 (Claude Code''s small fast model)'),
  ('claude-haiku-4-5-2*', 1000000, 100000, 1250000, 5000000, 64000, 'seeded: Claude Haiku 4.5 dated snapshots'),
  ('claude-3-5-haiku-latest', 800000, 80000, 1000000, 4000000, 8192, 'seeded: Claude Haiku 3.5'),
  ('claude-3-5-haiku-2*', 800000, 80000, 1000000, 4000000, 8192, 'seeded: Claude Haiku 3.5 dated snapshots'),
  ('text-embedding-3-small', 20000, NULL, NULL, 0, NULL, 'seeded: embeddings, small'),
  ('text-embedding-3-large', 130000, NULL, NULL, 0, NULL, 'seeded: embeddings, large'),
  ('text-embedding-ada-002', 100000, NULL, NULL, 0, NULL, 'seeded: embeddings, ada v2')
ON CONFLICT (name) DO NOTHING;

-- Down Migration
DELETE FROM models WHERE notes LIKE 'seeded: %' AND updated_at = created_at
  AND (name LIKE 'claude-%' OR name LIKE 'text-embedding-%');
