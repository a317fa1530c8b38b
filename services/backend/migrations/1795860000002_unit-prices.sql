-- Up Migration
-- What is sold by the unit rather than by the token: images (by size and quality), seconds
-- of audio transcribed or translated, characters of text spoken. A model's token prices
-- still apply to what an upstream reports in tokens (gpt-image-1, gpt-4o-transcribe).
--   image_prices: micro-dollars per image by "<size>/<quality>", "<size>", "*/<quality>"
--                 or "*" (the first that names a request's wins); {} = not sold by the image.
--   audio_second_price_micros: per second of audio; NULL = not sold by the second.
--   character_price_micros: per million characters; NULL = not sold by the character.
ALTER TABLE models
  ADD COLUMN image_prices jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(image_prices) = 'object'),
  ADD COLUMN audio_second_price_micros bigint CHECK (audio_second_price_micros >= 0),
  ADD COLUMN character_price_micros bigint CHECK (character_price_micros >= 0);

-- A row's units besides its tokens: images, seconds or characters (NULL: tokens only).
ALTER TABLE usage_logs
  ADD COLUMN unit text,
  ADD COLUMN units bigint NOT NULL DEFAULT 0;

-- OpenAI's image and audio models at their list prices (standard tier), inserted once.
INSERT INTO models (name, input_price_micros, output_price_micros, image_prices, audio_second_price_micros, character_price_micros, max_output_tokens, notes) VALUES
  ('dall-e-3', 0, 0, '{"1024x1024/standard": 40000, "1024x1792/standard": 80000, "1792x1024/standard": 80000, "1024x1024/hd": 80000, "1024x1792/hd": 120000, "1792x1024/hd": 120000}', NULL, NULL, NULL, 'seeded: DALL·E 3, per image'),
  ('dall-e-2', 0, 0, '{"256x256": 16000, "512x512": 18000, "1024x1024": 20000}', NULL, NULL, NULL, 'seeded: DALL·E 2, per image'),
  ('gpt-image-1', 5000000, 40000000, '{}', NULL, NULL, 6240, 'seeded: GPT Image 1, by its text input and image output tokens (at most 6,240 an image)'),
  ('whisper-1', 0, 0, '{}', 100, NULL, NULL, 'seeded: Whisper, $0.006 a minute'),
  ('gpt-4o-transcribe', 2500000, 10000000, '{}', NULL, NULL, NULL, 'seeded: GPT-4o transcribe, by its audio input and text output tokens'),
  ('gpt-4o-mini-transcribe', 1250000, 5000000, '{}', NULL, NULL, NULL, 'seeded: GPT-4o mini transcribe, by tokens'),
  ('tts-1', 0, 0, '{}', NULL, 15000000, NULL, 'seeded: TTS, $15 a million characters'),
  ('tts-1-hd', 0, 0, '{}', NULL, 30000000, NULL, 'seeded: TTS HD, $30 a million characters'),
  ('gpt-4o-mini-tts', 0, 0, '{}', NULL, 15000000, NULL, 'seeded: GPT-4o mini TTS, by character')
ON CONFLICT (name) DO NOTHING;

-- Down Migration
DELETE FROM models WHERE notes LIKE 'seeded: %' AND updated_at = created_at
  AND name IN ('dall-e-3', 'dall-e-2', 'gpt-image-1', 'whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'tts-1', 'tts-1-hd', 'gpt-4o-mini-tts');
ALTER TABLE usage_logs DROP COLUMN units, DROP COLUMN unit;
ALTER TABLE models DROP COLUMN character_price_micros, DROP COLUMN audio_second_price_micros, DROP COLUMN image_prices;
