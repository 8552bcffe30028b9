// Fault injection for the registry simulator (K-REG-6, K-REL-2): set at start-up, at run time through
// `POST /__faults`, or programmatically with `sim.faults.set({...})`.
import { z } from 'zod';
import { createRandom, type Random } from './random.ts';

export const faultSchema = z
  .object({
    /** added to every matching answer */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** hold the answer far past any client timeout (for `hangMs`, default 120 s, or until the client leaves) */
    timeout: z.boolean().optional(),
    hangMs: z.number().int().min(0).max(3_600_000).optional(),
    /** answer with an X-Road error of this type (X-Road-Error header), e.g. Server.ServerProxy.ServiceFailed */
    xroadError: z
      .string()
      .regex(/^(Client|Server)\.[A-Za-z.]+$/)
      .optional(),
    /** the provider answers with this HTTP status (no X-Road-Error), e.g. 500 or 503 */
    providerStatus: z.number().int().min(400).max(599).optional(),
    /** a body that is not JSON, or JSON of the wrong shape */
    malformed: z.enum(['not_json', 'wrong_shape']).optional(),
    /** share of matching requests that fail (0..1), drawn from a PRNG seeded with `seed`; default 1 */
    failureRate: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    /** service codes the faults apply to (default: every service, metadata included) */
    services: z.array(z.string()).optional(),
    /** fail only the next N matching requests, then behave again */
    times: z.number().int().min(1).optional(),
  })
  .strict();

export type FaultConfig = z.infer<typeof faultSchema>;

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'timeout'; hangMs: number }
  | { kind: 'xroad'; type: string }
  | { kind: 'status'; status: number }
  | { kind: 'malformed'; how: 'not_json' | 'wrong_shape' };

export type FaultDecision = { latencyMs: number; action: FaultAction };

export interface FaultControl {
  /** replaces the current faults (validated; throws on a bad spec) */
  set(faults: FaultConfig): void;
  clear(): void;
  get(): FaultConfig;
  /** how many requests got a fault since the last set/clear */
  readonly injected: number;
}

export class Faults implements FaultControl {
  #config: FaultConfig = {};
  #random: Random = createRandom(1);
  #left: number | undefined;
  #injected = 0;

  constructor(initial: FaultConfig = {}) {
    this.set(initial);
  }

  set(faults: FaultConfig): void {
    const parsed = faultSchema.parse(faults);
    this.#config = parsed;
    this.#random = createRandom(parsed.seed ?? 1);
    this.#left = parsed.times;
    this.#injected = 0;
  }

  clear(): void {
    this.set({});
  }

  get(): FaultConfig {
    return { ...this.#config };
  }

  get injected(): number {
    return this.#injected;
  }

  /** What to do with one request to `serviceCode`. */
  decide(serviceCode: string): FaultDecision {
    const c = this.#config;
    if (c.services && !c.services.includes(serviceCode)) return { latencyMs: 0, action: { kind: 'none' } };
    const latencyMs = c.latencyMs ?? 0;
    const hasFault =
      c.timeout || c.xroadError !== undefined || c.providerStatus !== undefined || c.malformed !== undefined;
    if (!hasFault && c.failureRate === undefined) return { latencyMs, action: { kind: 'none' } };
    if (this.#left === 0) return { latencyMs, action: { kind: 'none' } };
    if (this.#random.next() >= (c.failureRate ?? 1)) return { latencyMs, action: { kind: 'none' } };
    if (this.#left !== undefined) this.#left--;
    this.#injected++;
    let action: FaultAction;
    if (c.timeout) action = { kind: 'timeout', hangMs: c.hangMs ?? 120_000 };
    else if (c.xroadError) action = { kind: 'xroad', type: c.xroadError };
    else if (c.providerStatus) action = { kind: 'status', status: c.providerStatus };
    else if (c.malformed) action = { kind: 'malformed', how: c.malformed };
    else action = { kind: 'xroad', type: 'Server.ServerProxy.ServiceFailed' };
    return { latencyMs, action };
  }
}
