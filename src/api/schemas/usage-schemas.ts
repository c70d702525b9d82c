/**
 * @module api/schemas/usage-schemas
 * Usage reports (`GET /v1/{project_id}/demanager/usage`, `GET /v3/usage`, demanager extensions):
 * CPU-, GPU-, memory GiB- and instance-hours of the slots instances held in a window, in all and
 * per group.
 */
import { Type, type TLiteral } from 'typebox';

const Hours = (what: string) => Type.Number({ description: `${what}, rounded to 4 decimals.` });

export const UsageFiguresSchema = Type.Object({
  cpu_hours: Hours('CPU-hours: hours a slot was held times the flavor’s CPUs'),
  gpu_hours: Hours('GPU-hours'),
  memory_gib_hours: Hours('Memory GiB-hours'),
  instance_hours: Hours('Hours a slot was held'),
});

export const UsageReportSchema = Type.Object({
  since: Type.Integer({ description: 'The window’s start, epoch ms (inclusive).' }),
  until: Type.Integer({ description: 'The window’s end, epoch ms (exclusive).' }),
  group_by: Type.String(),
  total: UsageFiguresSchema,
  groups: Type.Array(
    Type.Object({
      key: Type.String({ description: 'The user id, flavor, UTC day (`YYYY-MM-DD`) or project id.' }),
      name: Type.String({ description: 'The user’s name, the flavor, the day or the project’s name.' }),
      ...UsageFiguresSchema.properties,
    }),
    { description: 'Sorted by key.' },
  ),
  open_periods: Type.Integer({
    description:
      'How many of the periods counted are still open (a notebook holds its slot now): while any is, a window that reaches now grows as time passes.',
  }),
});

const Instant = (what: string) =>
  Type.String({
    maxLength: 40,
    description: `${what}: epoch ms or ISO-8601 with its zone. A window over 366 days, or empty, is 400 ModelArts.6336.`,
  });

/** One literal schema per value, in order: the tuple type `Type.Union` needs to give its static type. */
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * `values` as literal schemas. A plain `map` is typed as an array of one literal of their union,
 * and the union of such an array reads as no type at all; the mapped tuple keeps each literal.
 */
const literals = <const T extends readonly string[]>(values: T) =>
  values.map((v) => Type.Literal(v)) as [...Literals<T>];

const reportQuery = <const G extends readonly string[]>(groupings: G) => ({
  since: Type.Optional(Instant('Start of the window (default: the start of the current UTC month)')),
  until: Type.Optional(Instant('End of the window (default: now)')),
  group_by: Type.Optional(
    Type.Union(literals(groupings), {
      description: `${groupings.join(', ')}; default user. Days are UTC calendar days.`,
    }),
  ),
  user_id: Type.Optional(
    Type.String({ maxLength: 64, description: 'Only this user’s usage (members may name only themselves).' }),
  ),
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('csv')], {
      description: '`csv` answers text/csv (as `Accept: text/csv` does); default JSON.',
    }),
  ),
});

export const ProjectUsageQuery = Type.Object(reportQuery(['user', 'flavor', 'day']));

export const UsageQuerySchema = Type.Object({
  ...reportQuery(['project', 'user', 'flavor', 'day']),
  project_id: Type.Optional(Type.String({ maxLength: 64, description: 'Only this project’s usage.' })),
});
