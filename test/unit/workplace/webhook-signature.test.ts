import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyWebhook, webhookSignature } from '../../../shared/workplace';

const SECRET = 'shared-secret';
const body = JSON.stringify({
  deliveryId: '6f1c4a52-0d52-4d8e-9c5e-3f2b1a0e9d77',
  type: 'reservation.updated',
  reservationId: 'r-123',
  version: 8,
  occurredAt: '2026-11-25T10:00:00Z',
});
const now = new Date('2026-11-25T10:00:05Z');
const timestamp = String(Math.floor(now.getTime() / 1000) - 5);

function request(headers: Record<string, string>, rawBody: string | Uint8Array = body) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { header: (name: string) => lower[name.toLowerCase()], rawBody };
}

const signed = (ts = timestamp, raw: string | Uint8Array = body) => ({
  'X-Workplace-Timestamp': ts,
  'X-Workplace-Signature': webhookSignature(SECRET, ts, raw),
});

describe('Workplace webhook signatures', () => {
  it('accepts a delivery signed over "<timestamp>.<raw body>" within 5 minutes', () => {
    assert.deepEqual(verifyWebhook(request(signed()), SECRET, { now }), {
      ok: true,
      timestamp: Number(timestamp),
    });
    assert.equal(
      verifyWebhook(request(signed(), Buffer.from(body)), SECRET, { now }).ok,
      true,
      'a raw byte body',
    );
  });

  it('rejects a wrong signature, missing headers, a stale timestamp and a body changed by one byte', () => {
    assert.deepEqual(verifyWebhook(request(signed()), 'another-secret', { now }), {
      ok: false,
      reason: 'badSignature',
    });
    assert.deepEqual(verifyWebhook(request({}), SECRET, { now }), { ok: false, reason: 'missingHeaders' });
    assert.deepEqual(
      verifyWebhook(request({ 'X-Workplace-Signature': signed()['X-Workplace-Signature'] }), SECRET, { now }),
      {
        ok: false,
        reason: 'missingHeaders',
      },
    );
    const old = String(Math.floor(now.getTime() / 1000) - 301);
    assert.deepEqual(verifyWebhook(request(signed(old)), SECRET, { now }), {
      ok: false,
      reason: 'staleTimestamp',
    });
    const future = String(Math.floor(now.getTime() / 1000) + 301);
    assert.deepEqual(verifyWebhook(request(signed(future)), SECRET, { now }), {
      ok: false,
      reason: 'staleTimestamp',
    });
    const tampered = body.replace('"version":8', '"version":9');
    assert.equal(tampered.length, body.length);
    assert.deepEqual(verifyWebhook(request(signed(), tampered), SECRET, { now }), {
      ok: false,
      reason: 'badSignature',
    });
    // A signature for another timestamp does not carry over: the timestamp is signed too.
    const replayed = { ...signed(), 'X-Workplace-Timestamp': String(Number(timestamp) + 1) };
    assert.deepEqual(verifyWebhook(request(replayed), SECRET, { now }), {
      ok: false,
      reason: 'badSignature',
    });
    assert.deepEqual(
      verifyWebhook(request({ ...signed(), 'X-Workplace-Signature': 'md5=abc' }), SECRET, { now }),
      {
        ok: false,
        reason: 'malformedHeaders',
      },
    );
  });
});
