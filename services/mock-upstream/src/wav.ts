/**
 * Just enough of WAV (RIFF/WAVE, PCM) for the audio endpoints: the duration of
 * an uploaded file, and the header of the audio speech answers with.
 */

const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
export const WAV_HEADER_BYTES = 44;

/**
 * The seconds of audio in a WAV file: its data chunk's size over the byte rate
 * of its fmt chunk; undefined when the bytes are not a WAV file. A data size
 * beyond the file (a streamed WAV writes 0xFFFFFFFF) counts the bytes present.
 */
export function wavDuration(file: Buffer): number | undefined {
  if (file.length < RIFF_HEADER_BYTES || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let byteRate: number | undefined;
  let at = RIFF_HEADER_BYTES;
  while (at + CHUNK_HEADER_BYTES <= file.length) {
    const id = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    const body = at + CHUNK_HEADER_BYTES;
    if (id === 'fmt ' && body + 12 <= file.length) byteRate = file.readUInt32LE(body + 8);
    if (id === 'data') {
      if (byteRate === undefined || byteRate === 0) return undefined;
      return Math.min(size, file.length - body) / byteRate;
    }
    // Chunks are padded to an even size.
    at = body + size + (size % 2);
  }
  return undefined;
}

/** The 44-byte header of a PCM WAV file with `dataBytes` of samples. */
export function wavHeader(dataBytes: number, sampleRate: number, channels: number, bitsPerSample: number): Buffer {
  const blockAlign = (channels * bitsPerSample) / 8;
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bitsPerSample, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
