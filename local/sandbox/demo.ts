import { DEMO_PEOPLE, DEMO_ROOMS } from './emulators';

/** The sandbox's demo: its rooms registered for sync, and one copy-paste booking per direction. */

export async function registerDemoRooms(hostUrl: string, functionKey: string): Promise<string[]> {
  const problems: string[] = [];
  for (const room of DEMO_ROOMS) {
    const res = await fetch(`${hostUrl}/api/rooms`, {
      method: 'POST',
      headers: { 'x-functions-key': functionKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: room.email, workplaceRoomId: room.workplaceRoomId }),
    });
    if (res.status !== 201 && res.status !== 200)
      problems.push(`${room.email}: ${String(res.status)} ${await res.text()}`);
  }
  return problems;
}

/** Tomorrow at `hour` local to Brussels, as wall-clock text. */
function tomorrow(hour: number): string {
  const date = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  return `${date}T${String(hour).padStart(2, '0')}:00:00`;
}

export function demoExamples(graphUrl: string, workplaceUrl: string, workplaceToken: string): string[] {
  const [room, otherRoom] = DEMO_ROOMS;
  const [ada, grace] = DEMO_PEOPLE;
  if (!room || !otherRoom || !ada || !grace) return [];
  const meeting = JSON.stringify({
    subject: 'Demo from Outlook',
    start: { dateTime: tomorrow(10), timeZone: 'W. Europe Standard Time' },
    end: { dateTime: tomorrow(11), timeZone: 'W. Europe Standard Time' },
    attendees: [
      { type: 'required', emailAddress: { address: grace.email } },
      { type: 'resource', emailAddress: { address: room.email } },
    ],
  });
  const reservation = JSON.stringify({
    subject: 'Demo from Workplace',
    start: tomorrow(14),
    end: tomorrow(15),
    timeZone: otherRoom.timeZone,
    responsible: { email: grace.email, name: grace.displayName },
    participants: [{ email: ada.email, name: ada.displayName, required: true }],
    lines: [{ roomId: otherRoom.workplaceRoomId }],
  });
  const token = `TOKEN=$(curl -s --cacert emulators/certs/ca.pem -d 'grant_type=client_credentials&client_id=demo&client_secret=demo&scope=https://graph.microsoft.com/.default' ${graphUrl}/contoso/oauth2/v2.0/token | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`;
  return [
    `Outlook -> Workplace (${ada.email} invites ${room.email}; then GET ${workplaceUrl}/reservations):`,
    `  ${token}`,
    `  curl -s --cacert emulators/certs/ca.pem -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' ${graphUrl}/v1.0/users/${ada.email}/events -d '${meeting}'`,
    `Workplace -> Exchange (a reservation of ${otherRoom.workplaceRoomId}; then GET ${graphUrl}/v1.0/users/${otherRoom.email}/events):`,
    `  curl -s -H 'Authorization: Bearer ${workplaceToken}' -H 'Content-Type: application/json' ${workplaceUrl}/reservations -d '${reservation}'`,
  ];
}
