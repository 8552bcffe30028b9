// The registry Kattoo asks (Tunduk through X-Road): the configured security server, or in demo mode
// the bundled simulator on its own port, serving the synthetic population of the demo world.

import type { Clock } from '../core/clock.ts';
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import { demoRegistryConfig } from '../core/registry/config.ts';
import { createTunduk, type Registry } from '../core/registry/tunduk.ts';
import { XRoadClient } from '../core/registry/xroad-client.ts';

export type RegistryHandle = {
  registry: Registry;
  /** the simulator's synthetic people (demo only), e.g. for the demo sign-in page */
  population: import('../sim/registry/population.ts').Population | undefined;
  simulatorUrl: string | undefined;
  stop(): Promise<void>;
};

export async function startRegistry(config: Config, clock: Clock, log: Logger): Promise<RegistryHandle> {
  if (config.registryUrl) {
    // Service codes are configuration (core/registry/config.ts); the demo codes are the default shape.
    const client = new XRoadClient({ config: demoRegistryConfig(config.registryUrl), logger: log });
    return {
      registry: createTunduk(client, { clock }),
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
  return {
    registry: createTunduk(client, { clock }),
    population: sim.population,
    simulatorUrl: sim.url,
    stop: () => sim.stop(),
  };
}
