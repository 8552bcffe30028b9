// The words of the report files in the reader's language, from locales/*/reports.json (the core's
// file writers take them as a plain object: core never imports bot/).
import type { ReportLabels } from '../../../core/reports/labels.ts';
import {
  REPORT_BASES,
  REPORT_LANGUAGES,
  REPORT_LEVELS,
  REPORT_PRIORITIES,
  REPORT_SEXES,
  REPORT_STATUSES,
} from '../../../core/reports/model.ts';
import type { Translate } from '../../i18n.ts';

const keyOf = (k: string) => (k === '-' ? 'unknown' : k);

function map<K extends string>(t: Translate, prefix: string, keys: readonly K[]): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const k of keys) out[k] = t(`reports:${prefix}.${keyOf(k)}`);
  return out;
}

/** Every label of the report files, chart and summary, in the language of `t`. */
export function reportLabels(t: Translate): ReportLabels {
  const r = (key: string) => t(`reports:${key}`);
  return {
    title: r('title'),
    levels: map(t, 'levels', REPORT_LEVELS),
    // kept as a template: the core fills in the year
    campaign: t('reports:campaign', { year: '{{year}}' }),
    generated: r('generated'),
    statuses: map(t, 'statuses', REPORT_STATUSES),
    bases: map(t, 'bases', REPORT_BASES),
    languages: map(t, 'languages', REPORT_LANGUAGES),
    priorities: map(t, 'priorities', REPORT_PRIORITIES),
    sexes: map(t, 'sexes', REPORT_SEXES),
    applications: r('applications'),
    drafts: r('drafts'),
    placed: r('placed'),
    seats: r('seats'),
    taken: r('taken'),
    free: r('free'),
    schools: r('schools'),
    schoolsWithQuota: r('schools_with_quota'),
    direct: r('direct'),
    appealsOpen: r('appeals_open'),
    appealsOverdue: r('appeals_overdue'),
    code: r('code'),
    name: r('name'),
    region: r('region'),
    district: r('district'),
    school: r('school'),
    language: r('language'),
    stage: r('stage'),
    priority: r('priority'),
    sex: r('sex'),
    day: r('day'),
    total: r('total'),
    ownership: { public: r('ownership.public'), private: r('ownership.private') },
    sections: {
      status: r('sections.status'),
      basis: r('sections.basis'),
      language: r('sections.language'),
      priority: r('sections.priority'),
      sex: r('sections.sex'),
      seats: r('sections.seats'),
      direct: r('sections.direct'),
      appeals: r('sections.appeals'),
      units: {
        region: r('sections.units.region'),
        district: r('sections.units.district'),
        school: r('sections.units.school'),
      },
      schools: r('sections.schools'),
      series: r('sections.series'),
    },
    chart: {
      byStatus: r('chart.by_status'),
      seatsByLanguage: r('chart.seats_by_language'),
      series: r('chart.series'),
      others: t('reports:chart.others', { count: '{{count}}' }),
      freeOf: t('reports:chart.free_of', { free: '{{free}}', seats: '{{seats}}' }),
      noData: r('chart.no_data'),
    },
    sheets: {
      summary: r('sheets.summary'),
      units: r('sheets.units'),
      schools: r('sheets.schools'),
      series: r('sheets.series'),
    },
  };
}
