import { z } from 'zod';

/** The contract's response bodies (docs/workplace-api.yaml), checked at the boundary. */

const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
const person = z.object({ email: z.string(), name: z.string().optional() });

export const roomSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  email: z.string().optional(),
  capacity: z.number().int().optional(),
  timeZone: z.string(),
});

const exceptionSchema = z.union([
  z.object({ originalStart: localDateTime, cancelled: z.literal(true) }),
  z.object({
    originalStart: localDateTime,
    cancelled: z.literal(false).optional(),
    start: localDateTime,
    end: localDateTime,
    subject: z.string().optional(),
  }),
]);

export const reservationSchema = z.object({
  id: z.string().min(1),
  version: z.number().int().positive(),
  subject: z.string(),
  start: localDateTime,
  end: localDateTime,
  timeZone: z.string(),
  responsible: person.nullable(),
  participants: z.array(person.extend({ required: z.boolean().optional() })),
  lines: z.array(z.object({ roomId: z.string(), status: z.enum(['confirmed', 'declined', 'pending']) })),
  recurrence: z.object({ rrule: z.string() }).nullable(),
  exceptions: z.array(exceptionSchema),
  source: z.enum(['workplace', 'exchange']),
  externalRef: z.string().nullable().optional(),
  cancelled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type Room = z.infer<typeof roomSchema>;
export type Reservation = z.infer<typeof reservationSchema>;

export const roomListSchema = z.object({ items: z.array(roomSchema) });
export const reservationPageSchema = z.object({
  items: z.array(reservationSchema),
  nextCursor: z.string().nullable(),
});
export const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
