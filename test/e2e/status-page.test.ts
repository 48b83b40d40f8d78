import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { fetchToken, graphClient } from '../helpers/graph-client';
import { groupAlive, runNpm, type NpmRun } from '../helpers/process-group';
import { waitFor } from '../helpers/wait';

/**
 * The acceptance test of the status page: `npm start` with its demo rooms, a booking synced each way
 * the page can show, and the page opened in headless Chromium (Debian's, driven by playwright-core),
 * saved as test-results/status-page.png.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOT = path.join(ROOT, 'test-results', 'status-page.png');

/** Debian's Chromium, wherever the PATH has it. */
function findChromium(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
    encoding: 'utf8',
  });
  const file = found.stdout.trim().split('\n')[0];
  return found.status === 0 && file ? file : undefined;
}

const executablePath = findChromium();

interface Endpoints {
  host: string;
  functionKey: string;
  graph: string;
  workplace: string;
  workplaceToken: string;
  rooms: { email: string; workplaceRoomId: string }[];
}

/** `YYYY-MM-DD` this many days from now. */
const day = (ahead: number): string => new Date(Date.now() + ahead * 86_400_000).toISOString().slice(0, 10);

describe(
  'the status page in headless Chromium (npm start, demo rooms)',
  {
    skip: executablePath
      ? false
      : 'Chromium not found (command -v chromium / chromium-browser); install it: apt-get install chromium',
  },
  () => {
    let sandbox: NpmRun;
    let endpoints: Endpoints;
    let browser: Browser | undefined;
    const dir = mkdtempSync(path.join(tmpdir(), 'roomsync-status-'));

    before(async () => {
      sandbox = runNpm(['start', '--silent'], {
        ROOMSYNC_HOST_PORT: '0',
        ROOMSYNC_GRAPH_PORT: '0',
        ROOMSYNC_WORKPLACE_PORT: '0',
        ROOMSYNC_SANDBOX_DIR: dir,
        ROOMSYNC_LOG_FORMAT: 'json',
        // The room check that finds a room's decline runs a second after the write, not two minutes.
        ROOMSYNC_ROOM_CHECK_DELAY_SECONDS: '1',
      });
      const file = path.join(dir, 'endpoints.json');
      await waitFor('endpoints.json', () => existsSync(file), 60_000);
      await waitFor(
        'the sandbox banner',
        () => sandbox.stdout.join('').includes('Press Ctrl-C to stop.'),
        10_000,
      );
      endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
    });

    after(async () => {
      await browser?.close();
      const pgid = sandbox.child.pid;
      if (pgid !== undefined && groupAlive(pgid)) {
        process.kill(-pgid, 'SIGINT');
        await Promise.race([sandbox.exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
        if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    });

    const reserve = async (subject: string, date: string, roomIds: string[]): Promise<void> => {
      const res = await fetch(`${endpoints.workplace}/reservations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${endpoints.workplaceToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject,
          start: `${date}T14:00:00`,
          end: `${date}T15:00:00`,
          timeZone: 'Europe/Brussels',
          responsible: { email: 'grace@contoso.com', name: 'Grace Hopper' },
          participants: [{ email: 'ada@contoso.com', name: 'Ada Lovelace', required: true }],
          lines: roomIds.map((roomId) => ({ roomId })),
        }),
      });
      assert.equal(res.status, 201, await res.text());
    };

    const page = async (): Promise<string> => {
      const res = await fetch(`${endpoints.host}/api/status`, {
        headers: { 'x-functions-key': endpoints.functionKey },
      });
      assert.equal(res.status, 200);
      return res.text();
    };
    const row = (html: string, email: string): string => {
      const start = html.indexOf(`data-room="${email}"`);
      return start < 0 ? '' : html.slice(start, html.indexOf('</tr>', start));
    };

    it('needs the function key', async () => {
      const res = await fetch(`${endpoints.host}/api/status`);
      assert.equal(res.status, 401);
      const wrong = await fetch(`${endpoints.host}/api/status?code=not-the-key`);
      assert.equal(wrong.status, 401);
    });

    it('shows both demo rooms with their subscription, last sync and mailbox findings; screenshot saved', async () => {
      const [alpha, beta] = endpoints.rooms;
      assert.ok(alpha && beta);
      // A Workplace booking of Beta reaches Exchange (Beta gets a last change); one of both rooms 200 days
      // ahead is written to Alpha and declined by Beta, beyond the 180-day booking window of a demo room.
      await reserve('Status demo', day(1), [beta.workplaceRoomId]);
      await reserve('Far ahead', day(200), [alpha.workplaceRoomId, beta.workplaceRoomId]);
      // And Ada's Outlook meeting in Alpha, whose copy keeps its subject (the demo rooms are set up so).
      const graph = graphClient(endpoints.graph, await fetchToken(endpoints.graph));
      await graph.api('/users/ada@contoso.com/events').post({
        subject: 'Demo from Outlook',
        start: { dateTime: `${day(1)}T10:00:00`, timeZone: 'W. Europe Standard Time' },
        end: { dateTime: `${day(1)}T11:00:00`, timeZone: 'W. Europe Standard Time' },
        attendees: [{ type: 'resource', emailAddress: { address: alpha.email } }],
      });
      const html = await waitFor(
        'Beta synced, its booking-window decline and Alpha’s kept subjects on the page',
        async () => {
          const text = await page();
          const b = row(text, beta.email);
          const a = row(text, alpha.email);
          const betaDone = /data-last-change="\d{4}-/.test(b) && b.includes('data-mailbox="bookingWindow"');
          return betaDone && a.includes('Subjects kept') ? text : undefined;
        },
        30_000,
        250,
      );
      for (const room of [alpha, beta]) {
        const r = row(html, room.email);
        assert.match(r, /data-subscription="ok"/, `${room.email}: a live subscription`);
        assert.match(r, /data-last-sync="\d{4}-/, `${room.email}: a last sync`);
      }
      assert.match(row(html, alpha.email), /data-last-change="\d{4}-/, 'Alpha holds the far booking');

      browser = await chromium.launch({ executablePath, headless: true });
      const tab = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      const response = await tab.goto(
        `${endpoints.host}/api/status?code=${encodeURIComponent(endpoints.functionKey)}`,
      );
      assert.equal(response?.status(), 200);
      assert.equal(await tab.title(), 'roomsync status: 2 rooms, 1 with problems');
      assert.equal(await tab.locator('#summary').innerText(), '2 rooms, 1 with problems');
      const rows = tab.locator('tr.room');
      assert.equal(await rows.count(), 2);
      for (const room of [alpha, beta]) {
        const text = await tab.locator(`tr[data-room="${room.email}"]`).innerText();
        assert.match(text, new RegExp(room.email.replace(/\./g, '\\.')));
        assert.match(text, new RegExp(room.workplaceRoomId));
        assert.match(
          text,
          /active, (\d+ d )?\d+ h( \d+ min)? left/,
          `${room.email}: subscription state and time left`,
        );
        assert.match(text, /(\d+(\.\d)? s|\d+ min) ago/, `${room.email}: the last sync`);
      }
      const betaText = await tab.locator(`tr[data-room="${beta.email}"]`).innerText();
      assert.match(betaText, /1 booking-window decline/);
      assert.match(betaText, /probably its booking window/);
      assert.equal(await tab.locator(`tr[data-room="${alpha.email}"]`).getAttribute('data-level'), 'ok');
      assert.equal(await tab.locator(`tr[data-room="${beta.email}"]`).getAttribute('data-level'), 'warn');
      // Rendered with its colours: the problem room's left border is amber.
      const border = await tab
        .locator(`tr[data-room="${beta.email}"] > td`)
        .first()
        .evaluate(
          (td) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { borderLeftColor: string } }
            ).getComputedStyle(td).borderLeftColor,
        );
      assert.equal(border, 'rgb(212, 167, 44)');

      // The anonymous health check counts them too, naming none.
      const health = await fetch(`${endpoints.host}/api/health`);
      assert.equal(health.status, 200);
      const report = (await health.json()) as { status: string; rooms?: unknown };
      assert.deepEqual([report.status, report.rooms], ['ok', { registered: 2, withProblems: 1 }]);

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await tab.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.ok(statSync(SCREENSHOT).size > 10_000, 'a screenshot with something on it');
    });
  },
);
