import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortInUseError } from '../../local/host/listen';
import { listeningOn, portTakenMessage, PortTakenError } from '../../local/sandbox/ports';

describe('the sandbox on a taken port', () => {
  it('names the setting to change, in one line', () => {
    assert.equal(
      portTakenMessage('ROOMSYNC_HOST_PORT', 7071, 7071),
      'Port 7071 is in use: set ROOMSYNC_HOST_PORT to another port, or 0 for a free one',
    );
  });

  it('says to start again when the port it picked as free was taken in between (the setting is already 0)', () => {
    assert.equal(
      portTakenMessage('ROOMSYNC_HOST_PORT', 0, 23456),
      'Port 23456, picked as free for ROOMSYNC_HOST_PORT, was taken before it could be used: start again',
    );
  });

  it("turns the host's PortInUseError and an emulator's EADDRINUSE into that line, and nothing else", async () => {
    await assert.rejects(
      listeningOn('ROOMSYNC_HOST_PORT', 0, () => Promise.reject(new PortInUseError(23456, '127.0.0.1'))),
      (err) => err instanceof PortTakenError && err.message.startsWith('Port 23456, picked as free'),
    );
    const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4010'), {
      code: 'EADDRINUSE',
    });
    await assert.rejects(
      listeningOn('ROOMSYNC_GRAPH_PORT', 4010, () => Promise.reject(inUse)),
      new PortTakenError('Port 4010 is in use: set ROOMSYNC_GRAPH_PORT to another port, or 0 for a free one'),
    );
    const other = new Error('EACCES');
    await assert.rejects(
      listeningOn('ROOMSYNC_GRAPH_PORT', 80, () => Promise.reject(other)),
      (err) => err === other,
    );
  });
});
