// The Tunduk registry simulator (K-REG-6): see docs/registry.md.
export {
  DEMO_POPULATION_COLUMNS,
  demoPopulationCsv,
  demoPopulationRows,
  isDemoEligible,
} from './demo-population.ts';
export { type FaultConfig, type FaultControl, faultSchema } from './faults.ts';
export {
  DEFAULT_FAMILIES,
  DEFAULT_SEED,
  type Family,
  generatePopulation,
  type Population,
  type PopulationOptions,
  type SimChild,
  type SimPerson,
} from './population.ts';
export {
  type RecordedRequest,
  type RegistrySimulator,
  type RegistrySimulatorOptions,
  startRegistrySimulator,
} from './server.ts';
