/**
 * Reading a request body with a ceiling. The ingress functions are anonymous (Graph and Workplace send
 * no key), so nothing stops a caller from sending a huge body: it is refused with 413 as soon as it is
 * known to be over the limit (its Content-Length, or the bytes read so far), never buffered whole.
 */

/** Bodies the service accepts, by entry point. Graph batches notifications; the rest are small. */
export const BODY_LIMITS = {
  graphNotifications: 1024 * 1024,
  workplaceWebhook: 64 * 1024,
  admin: 16 * 1024,
} as const;

export type BodyRead = { ok: true; text: string } | { ok: false; status: 413; error: string };

export interface BodySource {
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}

export async function readBody(request: BodySource, limit: number): Promise<BodyRead> {
  const tooLarge: BodyRead = {
    ok: false,
    status: 413,
    error: `the body is larger than ${String(limit)} bytes`,
  };
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return tooLarge;
  if (!request.body) return { ok: true, text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return tooLarge;
    }
    chunks.push(value);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}
