/**
 * @module api/schemas/budget-schemas
 * Budgets (`/v3/.../budget`, `/v3/budgets`, `/v1/{project_id}/demanager/budgets`; core/budgets).
 * The body's values are checked by the domain, so that a negative figure or an unknown period is
 * refused with a message that says what is allowed.
 */
import { Type } from 'typebox';

const Hours = Type.Union([Type.Number(), Type.Null()]);

export const BudgetBody = Type.Object({
  gpu_hours: Type.Optional(Hours),
  cpu_hours: Type.Optional(Hours),
  period: Type.String({ maxLength: 32, description: '`month` (calendar month, UTC) or `rolling_30d`.' }),
});

export const BudgetStatusSchema = Type.Object({
  scope: Type.Union([Type.Literal('project'), Type.Literal('user')]),
  id: Type.String({ description: 'The project or user id.' }),
  name: Type.String(),
  period: Type.Union([Type.Literal('month'), Type.Literal('rolling_30d')]),
  gpu_hours: Type.Union([Type.Number(), Type.Null()], { description: 'The limit; null for none.' }),
  cpu_hours: Type.Union([Type.Number(), Type.Null()], { description: 'The limit; null for none.' }),
  used: Type.Object({ gpu_hours: Type.Number(), cpu_hours: Type.Number() }),
  renews_at: Type.Union([Type.Integer(), Type.Null()], {
    description: 'When a month budget starts afresh, epoch ms; null for a rolling one.',
  }),
  exhausted: Type.Boolean(),
  runs_out_at: Type.Union([Type.Integer(), Type.Null()], {
    description: 'When it runs out at the rate of the instances running now, epoch ms; null when nothing runs.',
  }),
});

export const BudgetList = Type.Object({ budgets: Type.Array(BudgetStatusSchema) });

export const UserBudgetParams = Type.Object({ user_id: Type.String({ minLength: 1, maxLength: 64 }) });
