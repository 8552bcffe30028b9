// Mounts the demo identity provider inside Kattoo's Fastify server at its mount path (`/demo-idp`).
// oidc-provider is a Koa application reading the raw request stream: the requests under the mount
// path are handed over before Fastify parses anything. The provider may be given as a function: its
// issuer names the server's port, known only once the server listens (routes must exist before).
import type { FastifyInstance } from 'fastify';
import type { DemoIdp } from './provider.ts';

export const DEFAULT_MOUNT_PATH = '/demo-idp';

export async function mountDemoIdp(
  app: FastifyInstance,
  idp: DemoIdp | (() => DemoIdp | undefined),
  mountPath = typeof idp === 'function' ? DEFAULT_MOUNT_PATH : idp.mountPath,
): Promise<void> {
  if (!mountPath.startsWith('/') || mountPath.endsWith('/'))
    throw new Error('mount the demo identity provider under a path like /demo-idp');
  const current = typeof idp === 'function' ? idp : () => idp;
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', (req, reply, done) => {
        const provider = current();
        if (!provider || provider.mountPath !== mountPath) {
          reply.code(503).send({ error: 'the demo identity provider is not ready' });
          return;
        }
        reply.hijack();
        provider.handle(req.raw, reply.raw);
        done();
      });
      const never = async () => undefined;
      scope.all('/', never);
      scope.all('/*', never);
    },
    { prefix: mountPath },
  );
}
