-- Up Migration
-- The catalogue a new gateway starts with: OpenAI's current models at their public list
-- prices, so that a fresh stack sells them (a model the catalogue does not have is not
-- served). Prices are micro-dollars per million input, cached-input and output tokens, as
-- listed on https://openai.com/api/pricing/ (standard tier) in November 2025; a NULL cached
-- price means the model has no cached-input discount. A name ending in '*' prices a family:
-- here the dated snapshots (gpt-4o-2024-08-06 …), which are served but not listed in
-- /v1/models. max_output_tokens is each model's output ceiling, reasoning included.
--
-- This is data the operator edits (the admin API, or the console's Models page): it is
-- inserted once, when this migration runs, and never again, so a price changed or a model
-- deleted afterwards stays as the operator left it.
INSERT INTO models (name, input_price_micros, cached_input_price_micros, output_price_micros, max_output_tokens, notes) VALUES
  ('gpt-5', 1250000, 125000, 10000000, 128000, 'seeded: GPT-5'),
  ('gpt-5-2*', 1250000, 125000, 10000000, 128000, 'seeded: GPT-5 dated snapshots (gpt-5-2025-08-07)'),
  ('gpt-5-mini', 250000, 25000, 2000000, 128000, 'seeded: GPT-5 mini'),
  ('gpt-5-mini-2*', 250000, 25000, 2000000, 128000, 'seeded: GPT-5 mini dated snapshots'),
  ('gpt-5-nano', 50000, 5000, 400000, 128000, 'seeded: GPT-5 nano'),
  ('gpt-5-nano-2*', 50000, 5000, 400000, 128000, 'seeded: GPT-5 nano dated snapshots'),
  ('gpt-5-chat-latest', 1250000, 125000, 10000000, 16384, 'seeded: GPT-5 as used in ChatGPT (no reasoning)'),
  ('gpt-5-codex', 1250000, 125000, 10000000, 128000, 'seeded: GPT-5 for Codex'),
  ('gpt-5-codex-mini', 250000, 25000, 2000000, 128000, 'seeded: GPT-5 mini for Codex'),
  ('gpt-5-pro', 15000000, NULL, 120000000, 272000, 'seeded: GPT-5 pro (no cached-input discount)'),
  ('gpt-5.1', 1250000, 125000, 10000000, 128000, 'seeded: GPT-5.1'),
  ('gpt-5.1-2*', 1250000, 125000, 10000000, 128000, 'seeded: GPT-5.1 dated snapshots'),
  ('gpt-5.1-chat-latest', 1250000, 125000, 10000000, 16384, 'seeded: GPT-5.1 as used in ChatGPT'),
  ('gpt-5.1-codex', 1250000, 125000, 10000000, 128000, 'seeded: GPT-5.1 for Codex'),
  ('gpt-5.1-codex-mini', 250000, 25000, 2000000, 128000, 'seeded: GPT-5.1 mini for Codex'),
  ('codex-mini-latest', 1500000, 375000, 6000000, 100000, 'seeded: o4-mini tuned for the Codex CLI'),
  ('gpt-4.1', 2000000, 500000, 8000000, 32768, 'seeded: GPT-4.1'),
  ('gpt-4.1-2*', 2000000, 500000, 8000000, 32768, 'seeded: GPT-4.1 dated snapshots'),
  ('gpt-4.1-mini', 400000, 100000, 1600000, 32768, 'seeded: GPT-4.1 mini'),
  ('gpt-4.1-mini-2*', 400000, 100000, 1600000, 32768, 'seeded: GPT-4.1 mini dated snapshots'),
  ('gpt-4.1-nano', 100000, 25000, 400000, 32768, 'seeded: GPT-4.1 nano'),
  ('gpt-4.1-nano-2*', 100000, 25000, 400000, 32768, 'seeded: GPT-4.1 nano dated snapshots'),
  ('gpt-4o', 2500000, 1250000, 10000000, 16384, 'seeded: GPT-4o'),
  ('gpt-4o-2*', 2500000, 1250000, 10000000, 16384, 'seeded: GPT-4o dated snapshots (2024-08-06, 2024-11-20)'),
  ('gpt-4o-2024-05-13', 5000000, NULL, 15000000, 4096, 'seeded: the first GPT-4o snapshot, at its own price'),
  ('gpt-4o-mini', 150000, 75000, 600000, 16384, 'seeded: GPT-4o mini'),
  ('gpt-4o-mini-2*', 150000, 75000, 600000, 16384, 'seeded: GPT-4o mini dated snapshots'),
  ('o1', 15000000, 7500000, 60000000, 100000, 'seeded: o1'),
  ('o1-2*', 15000000, 7500000, 60000000, 100000, 'seeded: o1 dated snapshots'),
  ('o1-mini', 1100000, 550000, 4400000, 65536, 'seeded: o1-mini'),
  ('o1-mini-2*', 1100000, 550000, 4400000, 65536, 'seeded: o1-mini dated snapshots'),
  ('o1-pro', 150000000, NULL, 600000000, 100000, 'seeded: o1-pro (no cached-input discount)'),
  ('o1-pro-2*', 150000000, NULL, 600000000, 100000, 'seeded: o1-pro dated snapshots'),
  ('o3', 2000000, 500000, 8000000, 100000, 'seeded: o3'),
  ('o3-2*', 2000000, 500000, 8000000, 100000, 'seeded: o3 dated snapshots'),
  ('o3-mini', 1100000, 550000, 4400000, 100000, 'seeded: o3-mini'),
  ('o3-mini-2*', 1100000, 550000, 4400000, 100000, 'seeded: o3-mini dated snapshots'),
  ('o3-pro', 20000000, NULL, 80000000, 100000, 'seeded: o3-pro (no cached-input discount)'),
  ('o3-pro-2*', 20000000, NULL, 80000000, 100000, 'seeded: o3-pro dated snapshots'),
  ('o3-deep-research', 10000000, 2500000, 40000000, 100000, 'seeded: o3 deep research'),
  ('o4-mini', 1100000, 275000, 4400000, 100000, 'seeded: o4-mini'),
  ('o4-mini-2*', 1100000, 275000, 4400000, 100000, 'seeded: o4-mini dated snapshots'),
  ('o4-mini-deep-research', 2000000, 500000, 8000000, 100000, 'seeded: o4-mini deep research')
ON CONFLICT (name) DO NOTHING;

-- Down Migration
-- Only the seeded rows nobody has changed since: the others are the operator's.
DELETE FROM models WHERE notes LIKE 'seeded: %' AND updated_at = created_at;
