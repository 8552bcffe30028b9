import type { Db } from '../db/client.ts';
import type { LocalizedName, TerritoryKind } from '../domain/reference.ts';

export type TerritoryView = { id: string; kind: TerritoryKind; parentId: string | null; name: LocalizedName };

const toView = (t: {
  id: string;
  kind: TerritoryKind;
  parentId: string | null;
  nameKy: string;
  nameRu: string;
  nameEn: string;
}): TerritoryView => ({
  id: t.id,
  kind: t.kind,
  parentId: t.parentId,
  name: { ky: t.nameKy, ru: t.nameRu, en: t.nameEn },
});

export function territoryRepository(db: Db) {
  return {
    async topLevel(): Promise<TerritoryView[]> {
      const rows = await db.territory.findMany({
        where: { parentId: null },
        orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toView);
    },
    async children(parentId: string): Promise<TerritoryView[]> {
      const rows = await db.territory.findMany({
        where: { parentId },
        orderBy: [{ sortOrder: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toView);
    },
    async byId(id: string): Promise<TerritoryView | null> {
      const row = await db.territory.findUnique({ where: { id } });
      return row ? toView(row) : null;
    },
  };
}
export type TerritoryRepository = ReturnType<typeof territoryRepository>;
