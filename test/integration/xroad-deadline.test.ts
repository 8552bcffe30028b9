// Deadlines of interactive registry calls (review F6) against the registry simulator: a call made
// while a parent waits ends by its deadline, retries included, and a cut-off attempt is a time-out
// for the circuit breaker; without a deadline (background re-verification) the full policy applies.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoRegistryConfig } from '../../core/registry/config.ts';
import { deadlineIn } from '../../core/registry/deadline.ts';
import { RegistryTimeoutError, RegistryUnavailableError } from '../../core/registry/errors.ts';
import { personWire } from '../../core/registry/wire.ts';
import { XRoadClient } from '../../core/registry/xroad-client.ts';
import { generatePopulation, type Population } from '../../sim/registry/population.ts';
import { sampleWorld } from '../../sim/registry/sample-world.ts';
import { type RegistrySimulator, startRegistrySimulator } from '../../sim/registry/server.ts';

const world = sampleWorld();
let population: Population;
let sim: RegistrySimulator;
beforeAll(async () => {
  population = generatePopulation(world, { seed: 12, families: 50 });
  sim = await startRegistrySimulator({ world, population });
});
afterAll(() => sim.stop());
afterEach(() => sim.faults.clear());

function client(failureThreshold = 50, baseDelayMs = 100) {
  const delays: number[] = [];
  // attempts counted as they are sent (the simulator records a hung request only when it ends)
  const sent: string[] = [];
  const c = new XRoadClient({
    fetch: (input, init) => {
      sent.push(String(input));
      return fetch(input, init);
    },
    config: demoRegistryConfig(sim.url, {
      timeoutMs: 5_000,
      retry: { retries: 2, baseDelayMs, maxDelayMs: 2_000 },
      breaker: { failureThreshold, coolDownMs: 30_000 },
    }),
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
  });
  return { c, delays, sent };
}

const somebody = () => {
  const f = population.families[0];
  if (!f) throw new Error('no family');
  return f.applicantPin;
};

describe('X-Road client: deadlines of interactive calls', () => {
  it('a hung service: one attempt, cut at the deadline, a time-out the breaker counts', async () => {
    sim.faults.set({ timeout: true, hangMs: 30_000, services: ['getPersonByPin'] });
    const { c, sent } = client(1);
    const pin = somebody();
    const started = performance.now();
    const err = await c
      .call('personByPin', personWire, { userId: pin, params: { pin }, deadline: deadlineIn(600) })
      .catch((e: unknown) => e);
    const took = performance.now() - started;
    expect(err).toBeInstanceOf(RegistryTimeoutError);
    expect(took).toBeGreaterThanOrEqual(500);
    expect(took).toBeLessThan(1_500); // not the 5 s per-attempt time-out, nor three of them
    expect(sent).toHaveLength(1);
    expect(c.breakerState('personByPin')).toBe('open');
  });

  it('fast failures are retried while the deadline leaves time for another attempt', async () => {
    sim.faults.set({ providerStatus: 503, services: ['getPersonByPin'] });
    const pin = somebody();
    const roomy = client();
    await expect(
      roomy.c.call('personByPin', personWire, { userId: pin, params: { pin }, deadline: deadlineIn(2_000) }),
    ).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(roomy.sent).toHaveLength(3);

    // the first back-off (750 ms here) does not fit in what is left: no second attempt
    const tight = client(50, 1_000);
    await expect(
      tight.c.call('personByPin', personWire, { userId: pin, params: { pin }, deadline: deadlineIn(600) }),
    ).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(tight.sent).toHaveLength(1);
    expect(tight.delays).toHaveLength(0);
  });

  it('a deadline already past: refused without a request, and the breaker is left as it was', async () => {
    const { c, sent } = client(1);
    const pin = somebody();
    await expect(
      c.call('personByPin', personWire, { userId: pin, params: { pin }, deadline: deadlineIn(-1) }),
    ).rejects.toBeInstanceOf(RegistryTimeoutError);
    expect(sent).toHaveLength(0);
    expect(c.breakerState('personByPin')).toBe('closed');
  });

  it('without a deadline the full policy applies (background re-verification)', async () => {
    sim.faults.set({ providerStatus: 503, services: ['getPersonByPin'] });
    const { c, delays, sent } = client();
    const pin = somebody();
    await expect(c.call('personByPin', personWire, { userId: pin, params: { pin } })).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
    expect(sent).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });
});
