// The words of the report files, passed in by the caller in the reader's language (the core holds no
// messages: bot/features/oversight/reports-labels.ts builds this from locales/*/reports.json).
import type { LocalizedName } from '../domain/reference.ts';
import type {
  ReportBasis,
  ReportLanguage,
  ReportLevel,
  ReportPriority,
  ReportSex,
  ReportStatus,
  ReportUnit,
} from './model.ts';

export type ReportLang = keyof LocalizedName;

export type ReportLabels = {
  /** document title, e.g. "First-grade registration: report" */
  title: string;
  levels: Record<ReportLevel, string>;
  /** "{{year}} academic year" */
  campaign: string;
  generated: string;
  statuses: Record<ReportStatus, string>;
  bases: Record<ReportBasis, string>;
  languages: Record<ReportLanguage, string>;
  priorities: Record<ReportPriority, string>;
  sexes: Record<ReportSex, string>;
  /** "Applications" (all statuses but drafts) */
  applications: string;
  drafts: string;
  /** "Placed" (seat granted + enrolled) */
  placed: string;
  seats: string;
  taken: string;
  free: string;
  schools: string;
  schoolsWithQuota: string;
  direct: string;
  appealsOpen: string;
  appealsOverdue: string;
  code: string;
  name: string;
  region: string;
  district: string;
  school: string;
  language: string;
  stage: string;
  priority: string;
  sex: string;
  day: string;
  total: string;
  ownership: Record<'public' | 'private', string>;
  sections: {
    status: string;
    basis: string;
    language: string;
    priority: string;
    sex: string;
    seats: string;
    direct: string;
    appeals: string;
    units: Record<ReportUnit['kind'], string>;
    schools: string;
    series: string;
  };
  chart: {
    byStatus: string;
    seatsByLanguage: string;
    series: string;
    others: string;
    /** "free {{free}} of {{seats}}" */
    freeOf: string;
    noData: string;
  };
  /** XLSX sheet names (≤ 31 characters are kept) */
  sheets: { summary: string; units: string; schools: string; series: string };
};

/** Fills `{{name}}` placeholders (the labels come with i18next's syntax). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(values[k] ?? ''));
}
