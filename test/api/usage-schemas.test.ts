/**
 * @module test/api/usage-schemas.test
 * The usage queries' `group_by`: the static type names each grouping (checked by `tsc`, which type
 * checks the tests), and the JSON schema the server validates and documents is the union of
 * literals it always was.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Static } from 'typebox';
import { ProjectUsageQuery, UsageQuerySchema } from '../../src/api/schemas/usage-schemas.js';

type ProjectGrouping = NonNullable<Static<typeof ProjectUsageQuery>['group_by']>;
type Grouping = NonNullable<Static<typeof UsageQuerySchema>['group_by']>;

describe('usage query schemas', () => {
  it('type group_by as the union of its literals', () => {
    const project: ProjectGrouping[] = ['user', 'flavor', 'day'];
    // @ts-expect-error a project's report has no project grouping
    const notProject: ProjectGrouping = 'project';
    // @ts-expect-error nor any other word
    const notAWord: Grouping = 'week';
    const all: Grouping[] = [...project, 'project'];
    assert.deepEqual([notProject, notAWord, all.length], ['project', 'week', 4]);
  });

  it('validate group_by as a union of constants, as before', () => {
    const constants = (schema: { properties: { group_by: unknown } }) =>
      (schema.properties.group_by as { anyOf: { type: string; const: string }[] }).anyOf;
    assert.deepEqual(constants(ProjectUsageQuery), [
      { type: 'string', const: 'user' },
      { type: 'string', const: 'flavor' },
      { type: 'string', const: 'day' },
    ]);
    assert.deepEqual(
      constants(UsageQuerySchema).map((c) => c.const),
      ['project', 'user', 'flavor', 'day'],
    );
  });
});
