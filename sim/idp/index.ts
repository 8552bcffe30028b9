// The demo identity provider (K-ID-1): see docs/identity.md.
export { DEFAULT_MOUNT_PATH, mountDemoIdp } from './fastify.ts';
export {
  createDemoIdp,
  type DemoIdp,
  type DemoIdpClient,
  type DemoIdpOptions,
  DemoIdpRefused,
  type DemoPersonLookup,
  type StandaloneDemoIdp,
  startDemoIdp,
} from './provider.ts';
