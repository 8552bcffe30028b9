// How the process stops (decision 0013). SIGTERM — an orchestrator's rollout or scale-down — first
// turns readiness red and keeps working for a drain period, so the load balancer stops sending
// before anything closes; then every part stops in reverse order. Whatever hangs, the process is gone
// within a bound shorter than the orchestrator's own kill (Kubernetes' 30 s grace, compose's
// stop_grace_period), so it never dies half-way through its own clean-up by SIGKILL.
import type { Logger } from '../core/logger.ts';

export type ShutdownPlan = {
  drain: () => void;
  stop: () => Promise<void>;
  /** readiness red this long before stopping (0 for Ctrl-C) */
  drainMs: number;
  /** exit(1) this long after the signal if the stop has not finished */
  timeoutMs: number;
  exit: (code: number) => void;
  log: Logger;
};

export async function shutDown(plan: ShutdownPlan, signal: string): Promise<void> {
  const { drainMs, timeoutMs, log } = plan;
  const bound = setTimeout(() => {
    log.error({ signal, timeoutMs }, 'stop did not finish in time; exiting');
    plan.exit(1);
  }, timeoutMs);
  bound.unref();
  log.info({ signal, drainMs }, 'stopping: not ready, draining');
  plan.drain();
  if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
  await plan.stop();
  clearTimeout(bound);
  log.info({ signal }, 'stopped');
  plan.exit(0);
}
