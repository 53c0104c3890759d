import { hashRaw } from '@node-rs/argon2';

// Algorithm is an ambient const enum, which isolatedModules cannot read; 2 is Argon2id.
const ARGON2ID = 2;
import { z } from 'zod';

/** Argon2id parameters stored with each user, so defaults can rise without locking anyone out. */
export const KdfParams = z.object({
  alg: z.literal('argon2id'),
  m: z.number().int().positive(), // memory in KiB
  t: z.number().int().positive(),
  p: z.number().int().positive(),
});
export type KdfParams = z.infer<typeof KdfParams>;

/** The floor from the design brief: never weaker than m=64 MiB, t=3, p=4. */
export const KDF_FLOOR: KdfParams = { alg: 'argon2id', m: 64 * 1024, t: 3, p: 4 };

export function atLeastFloor(p: KdfParams): KdfParams {
  return {
    alg: 'argon2id',
    m: Math.max(p.m, KDF_FLOOR.m),
    t: Math.max(p.t, KDF_FLOOR.t),
    p: Math.max(p.p, KDF_FLOOR.p),
  };
}

/** p raised to at least `floor` (itself never below KDF_FLOOR), field by field. */
export function raisedTo(p: KdfParams, floor: KdfParams): KdfParams {
  const f = atLeastFloor(floor);
  return { alg: 'argon2id', m: Math.max(p.m, f.m), t: Math.max(p.t, f.t), p: Math.max(p.p, f.p) };
}

export async function argon2id(password: string, salt: Buffer, params: KdfParams): Promise<Buffer> {
  const p = atLeastFloor(params);
  return hashRaw(password, {
    algorithm: ARGON2ID,
    salt,
    memoryCost: p.m,
    timeCost: p.t,
    parallelism: p.p,
    outputLen: 32,
  });
}

/**
 * Raise the cost from the floor until one derivation takes about targetMs on this machine.
 * Time cost grows first (cheap on memory); memory grows once t gets large.
 */
export async function calibrateKdf(targetMs = 500, floor: KdfParams = KDF_FLOOR): Promise<KdfParams> {
  let params = atLeastFloor(floor);
  const salt = Buffer.alloc(16, 7);
  await argon2id('calibration', salt, params); // warm-up: first call allocates
  for (let i = 0; i < 12; i++) {
    const start = performance.now();
    (await argon2id('calibration', salt, params)).fill(0);
    const ms = performance.now() - start;
    if (ms >= targetMs * 0.8) break;
    const scale = Math.min(4, targetMs / Math.max(ms, 1));
    if (params.t < 8) params = { ...params, t: Math.max(params.t + 1, Math.round(params.t * scale)) };
    else params = { ...params, m: Math.round(params.m * scale) };
  }
  return params;
}
