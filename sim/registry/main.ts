// Runs the registry simulator on its own over the demo world, for manual exploration:
//   node --import tsx sim/registry/main.ts [--port 8089] [--families 40000] [--seed 2026]
// then e.g. curl -H 'X-Road-Client: central-server/GOV/70000099/kattoo' -H 'X-Road-UserId: <pin>' \
//   localhost:8089/r1/central-server/GOV/70000001/population/getPersonByPin/<pin>
import { parseArgs } from 'node:util';
import { createLogger } from '../../core/logger.ts';
import { generateDemoWorld } from '../../prisma/demo/world.ts';
import { startRegistrySimulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8089' },
    host: { type: 'string', default: '127.0.0.1' },
    families: { type: 'string' },
    seed: { type: 'string' },
  },
});
const log = createLogger('info');
const sim = await startRegistrySimulator({
  world: generateDemoWorld(),
  port: Number(values.port),
  host: values.host,
  ...(values.families ? { families: Number(values.families) } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  logger: log,
});
log.info({ url: sim.url, stats: sim.population.stats }, 'registry simulator ready (Ctrl-C stops it)');
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void sim.stop().then(() => process.exit(0));
  });
