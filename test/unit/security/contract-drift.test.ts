// The shapes callers send are derived from the zod schemas, so a field added to the schema and not to
// the type (or the other way round) cannot pass `npm run typecheck`. The @ts-expect-error lines are
// the proof: were a drifted shape accepted, the directive would be unused and tsc would fail.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  commandArgs,
  imageSlotActionSchema,
  pushCommandSchema,
  pushRequestSchema,
  type CommandArg,
} from '../../../shared/contract.ts';
import type {
  CommitPolicy,
  ImageSlotActionRequest,
  ProtocolId,
  PushRequest,
  SmpCommitMode,
} from '../../../shared/domain.ts';

describe('contract types come from the schemas', () => {
  it('PushRequest is exactly what pushRequestSchema accepts, and what the push command takes', () => {
    expectTypeOf<PushRequest>().toEqualTypeOf<z.infer<typeof pushRequestSchema>>();
    expectTypeOf<PushRequest>().toEqualTypeOf<z.input<typeof pushRequestSchema>>();
    // The push command adds only what the main process reads itself (remember the credentials).
    expectTypeOf<Omit<CommandArg<'push'>, 'remember' | 'keychainOptIn'>>().toEqualTypeOf<PushRequest>();
    expectTypeOf<CommandArg<'push'>>().toEqualTypeOf<z.infer<typeof pushCommandSchema>>();
    expect(commandArgs.push).toBe(pushCommandSchema);
  });

  it('a field added to the schema only is a type error', () => {
    const drifted = pushRequestSchema.extend({ priority: z.number() });
    expect(
      drifted.safeParse({ deviceId: 'd', imageId: 'i', commitPolicy: 'auto', commitTimeoutSeconds: 60, priority: 1 })
        .success,
    ).toBe(true);
    // @ts-expect-error the drifted schema has a field PushRequest lacks
    expectTypeOf<PushRequest>().toEqualTypeOf<z.infer<typeof drifted>>();
    type DriftedType = PushRequest & { priority: number };
    // @ts-expect-error a field added to the type only is not what the schema accepts
    expectTypeOf<DriftedType>().toEqualTypeOf<z.infer<typeof pushRequestSchema>>();
  });

  it('the enums inside a push are the schema enums', () => {
    expectTypeOf<ProtocolId>().toEqualTypeOf<NonNullable<PushRequest['protocol']>>();
    expectTypeOf<CommitPolicy>().toEqualTypeOf<PushRequest['commitPolicy']>();
    expectTypeOf<SmpCommitMode>().toEqualTypeOf<NonNullable<PushRequest['mode']>>();
  });

  it('every slot action the schema accepts fits the engine’s ImageSlotActionRequest', () => {
    expectTypeOf<z.infer<typeof imageSlotActionSchema>>().toExtend<ImageSlotActionRequest>();
    expectTypeOf<ImageSlotActionRequest['action']>().toEqualTypeOf<z.infer<typeof imageSlotActionSchema>['action']>();
  });
});
