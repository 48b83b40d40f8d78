import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRoute } from '../../local/host/routes';

describe('compileRoute (Azure Functions route templates)', () => {
  it('matches literals case-insensitively and extracts decoded parameters', () => {
    const match = compileRoute('rooms/{email}');
    assert.deepEqual(match('/Rooms/room%40contoso.com'), { email: 'room@contoso.com' });
    assert.equal(match('/rooms'), undefined);
    assert.equal(match('/rooms/a/b'), undefined);
    assert.equal(match('/other/a'), undefined);
  });

  it('supports an optional last parameter', () => {
    const match = compileRoute('rooms/{email?}');
    assert.deepEqual(match('/rooms'), {});
    assert.deepEqual(match('/rooms/x'), { email: 'x' });
  });

  it('applies constraints', () => {
    const match = compileRoute('items/{id:int}');
    assert.deepEqual(match('/items/-12'), { id: '-12' });
    assert.equal(match('/items/12a'), undefined);
    assert.deepEqual(compileRoute('x/{g:guid}')('/x/0f8fad5b-d9cb-469f-a165-70867728950e'), {
      g: '0f8fad5b-d9cb-469f-a165-70867728950e',
    });
  });

  it('supports a trailing catch-all', () => {
    assert.deepEqual(compileRoute('files/{*path}')('/files/a/b%20c'), { path: 'a/b c' });
  });

  it('refuses templates it cannot honour, at load time', () => {
    assert.throws(() => compileRoute('a/{x:regex(^a$)}'), /unsupported segment/);
    assert.throws(() => compileRoute('a/{x:decimal}'), /unsupported constraint/);
    assert.throws(() => compileRoute('{*rest}/a'), /catch-all must be last/);
    assert.throws(() => compileRoute('{a?}/{b}'), /only the last parameter may be optional/);
  });

  it('does not match malformed percent-encoding', () => {
    assert.equal(compileRoute('rooms/{email}')('/rooms/%E0%A4%A'), undefined);
    assert.equal(compileRoute('files/{*path}')('/files/a/%E0%A4%A'), undefined);
  });
});
