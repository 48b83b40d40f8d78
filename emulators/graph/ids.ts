/**
 * Exchange item ids. A copy has two encodings: the default REST id and the immutable id returned with
 * `Prefer: IdType="ImmutableId"`. Both are accepted as input; output follows the request's preference,
 * so a client that forgets the header gets ids in the other format, as with Exchange.
 */
export type IdType = 'rest' | 'immutable';

const PREFIX: Record<IdType, string> = { rest: 'AAMkA', immutable: 'AAkAL' };

export function encodeId(key: string, type: IdType): string {
  return PREFIX[type] + Buffer.from(key, 'utf8').toString('base64url');
}

/** The internal key an id stands for, or undefined for anything that is not an id this emulator issued. */
export function decodeId(id: string): string | undefined {
  for (const prefix of Object.values(PREFIX)) {
    if (id.startsWith(prefix)) {
      const key = Buffer.from(id.slice(prefix.length), 'base64url').toString('utf8');
      if (encodeId(key, 'rest') === PREFIX.rest + id.slice(prefix.length)) return key;
    }
  }
  return undefined;
}
