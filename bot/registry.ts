// The registry Kattoo asks (Tunduk through X-Road): the configured security server, or in demo mode
// the bundled simulator on its own port, serving the synthetic population of the demo world.

import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { RegistryCensus } from '../core/registry/census.ts';
import { demoRegistryConfig } from '../core/registry/config.ts';
import { RegistryUnavailableError } from '../core/registry/errors.ts';
import { createTunduk, type Registry } from '../core/registry/tunduk.ts';
import { XRoadClient } from '../core/registry/xroad-client.ts';

export type RegistryHandle = {
  registry: Registry;
  /** children by district (coverage, K-OVER-2) */
  census: RegistryCensus;
  /** the simulator's synthetic people (demo only), e.g. for the demo sign-in page */
  population: import('../sim/registry/population.ts').Population | undefined;
  simulatorUrl: string | undefined;
  stop(): Promise<void>;
};

/**
 * Tunduk's service code for "children registered in a district" is not public yet: until it is
 * configured, coverage says so instead of guessing (docs/oversight.md).
 */
const censusNotConfigured: RegistryCensus = {
  async childrenInDistrict() {
    throw new RegistryUnavailableError(
      { service: 'census' },
      { reason: 'provider_status', retryable: false },
    );
  },
};

export async function startRegistry(config: Config, clock: Clock, log: Logger): Promise<RegistryHandle> {
  if (config.registryUrl) {
    // Service codes are configuration (core/registry/config.ts); the demo codes are the default shape.
    const client = new XRoadClient({ config: demoRegistryConfig(config.registryUrl), logger: log });
    return {
      registry: createTunduk(client, { clock }),
      census: censusNotConfigured,
      population: undefined,
      simulatorUrl: undefined,
      stop: async () => {},
    };
  }
  if (!config.demo) throw new Error('REGISTRY_URL is required outside demo mode');
  const { startRegistrySimulator } = await import('../sim/registry/server.ts');
  const { generateDemoWorld } = await import('../prisma/demo/world.ts');
  // The same world as the seeded database and `kattoo demo-population`, so its families fit the schools.
  const sim = await startRegistrySimulator({ world: generateDemoWorld(), host: '127.0.0.1', port: 0 });
  log.info(
    { url: sim.url, families: sim.population.families.length },
    'registry simulator (Tunduk look-alike) started',
  );
  const client = new XRoadClient({ config: demoRegistryConfig(sim.url), logger: log });
  const { populationCensus } = await import('../sim/registry/census.ts');
  return {
    registry: createTunduk(client, { clock }),
    census: populationCensus(sim.population),
    population: sim.population,
    simulatorUrl: sim.url,
    stop: () => sim.stop(),
  };
}
