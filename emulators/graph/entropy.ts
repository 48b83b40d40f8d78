import { randomBytes as cryptoRandomBytes } from 'node:crypto';

/**
 * Where the emulator's ids, changeKeys and delta tokens come from: crypto by default. The reliability
 * fuzzer (test/reliability) seeds it, so a failing scenario replays with the very same ids and its
 * messages are handled in the very same order.
 */

let seeded: (() => number) | undefined;

/** Seeds every id made from now on (undefined: back to crypto). */
export function seedEntropy(random: (() => number) | undefined): void {
  seeded = random;
}

export function randomBytes(size: number): Buffer {
  if (!seeded) return cryptoRandomBytes(size);
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) bytes[i] = Math.floor(seeded() * 256);
  return bytes;
}

/** A version-4 UUID made of `randomBytes`. */
export function randomUUID(): string {
  const b = randomBytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
