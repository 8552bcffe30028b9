// oidc-provider's storage for the demo: in process memory, with expiry. One store per demo provider;
// a restart forgets every session and code, which only means signing in again.
import type { Adapter, AdapterPayload } from 'oidc-provider';

type Entry = { payload: AdapterPayload; expiresAt: number | undefined };

export type MemoryStore = {
  entries: Map<string, Entry>;
  byGrant: Map<string, Set<string>>;
  byUid: Map<string, string>;
  byUserCode: Map<string, string>;
};

export function memoryStore(): MemoryStore {
  return { entries: new Map(), byGrant: new Map(), byUid: new Map(), byUserCode: new Map() };
}

/** The adapter factory oidc-provider calls with each model name (Session, AuthorizationCode, …). */
export function memoryAdapter(store: MemoryStore, now: () => number = Date.now): (name: string) => Adapter {
  let writes = 0;
  const sweep = () => {
    const t = now();
    for (const [key, e] of store.entries) if (e.expiresAt !== undefined && e.expiresAt <= t) remove(key);
  };
  const remove = (key: string) => {
    const e = store.entries.get(key);
    if (!e) return;
    store.entries.delete(key);
    if (e.payload.uid) store.byUid.delete(e.payload.uid);
    if (e.payload.userCode) store.byUserCode.delete(e.payload.userCode);
    if (e.payload.grantId) store.byGrant.get(e.payload.grantId)?.delete(key);
  };
  const live = (key: string | undefined): AdapterPayload | undefined => {
    if (!key) return undefined;
    const e = store.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= now()) {
      remove(key);
      return undefined;
    }
    return e.payload;
  };

  return (name: string): Adapter => {
    const k = (id: string) => `${name}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const key = k(id);
        store.entries.set(key, {
          payload: { ...payload },
          expiresAt: expiresIn ? now() + expiresIn * 1000 : undefined,
        });
        if (payload.uid) store.byUid.set(payload.uid, key);
        if (payload.userCode) store.byUserCode.set(payload.userCode, key);
        if (payload.grantId) {
          let keys = store.byGrant.get(payload.grantId);
          if (!keys) {
            keys = new Set();
            store.byGrant.set(payload.grantId, keys);
          }
          keys.add(key);
        }
        if (++writes % 500 === 0) sweep();
      },
      async find(id) {
        return live(k(id));
      },
      async findByUid(uid) {
        return live(store.byUid.get(uid));
      },
      async findByUserCode(userCode) {
        return live(store.byUserCode.get(userCode));
      },
      async consume(id) {
        const p = live(k(id));
        if (p) p.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        remove(k(id));
      },
      async revokeByGrantId(grantId) {
        for (const key of [...(store.byGrant.get(grantId) ?? [])]) remove(key);
        store.byGrant.delete(grantId);
      },
    };
  };
}
