// Reference data as plain values: what the import, the demo generator and the registry simulator
// exchange. Territories are loaded as data, never hard-coded in logic (boundaries change).

export const LANGUAGES = ['ky', 'ru', 'uz', 'tg', 'en'] as const;
export type InstructionLanguage = (typeof LANGUAGES)[number];

export type TerritoryKind = 'region' | 'city' | 'district' | 'city_district';

export type LocalizedName = { ky: string; ru: string; en: string };

export type TerritoryInput = {
  /** stable code, e.g. "KG-C" for Chüy oblast, "KG-C-05" for one of its rayons */
  id: string;
  kind: TerritoryKind;
  parentId: string | null;
  name: LocalizedName;
  sortOrder: number;
};

export type SchoolInput = {
  /** the school's public code, printed on posters and used in deep links (school_<code>) */
  code: string;
  name: LocalizedName;
  districtId: string;
  ownership: 'public' | 'private';
  participates: boolean;
  /** auxiliary/special school: admission outside online registration */
  special: boolean;
  settlement: string;
  address: LocalizedName;
  languages: InstructionLanguage[];
  latitude: number | null;
  longitude: number | null;
};

/** A catchment rule (микроучасток): houses houseFrom..houseTo of a street of a settlement. */
export type CatchmentInput = {
  schoolCode: string;
  settlement: string;
  street: string;
  houseFrom: number;
  houseTo: number;
};

export type QuotaInput = {
  schoolCode: string;
  campaignId: string;
  language: InstructionLanguage;
  seats: number;
  classSize: number;
  approved: boolean;
};

export type StageInput = {
  ordinal: number;
  kind: 'catchment' | 'actual_residence' | 'free_seats' | 'documents';
  mode: 'queue' | 'window';
  opensAt: Date;
  closesAt: Date;
};

export type CampaignInput = {
  id: string;
  academicYear: string;
  birthFrom: string; // YYYY-MM-DD
  birthTo: string; // YYYY-MM-DD
  documentsDeadline: Date;
  cancellationLimit: number;
  active: boolean;
  stages: StageInput[];
};

export type ReferenceWorld = {
  territories: TerritoryInput[];
  schools: SchoolInput[];
  catchments: CatchmentInput[];
  quotas: QuotaInput[];
  campaign: CampaignInput;
};
