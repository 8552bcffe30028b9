// Reports, daily snapshots and open data (K-OVER-1, K-OVER-5, K-PERF-2): see docs/reports.md.
export { reportChartPng, reportChartSvg } from './chart.ts';
export {
  CSV_MIME,
  PDF_MIME,
  reportCsv,
  reportFileName,
  reportPdf,
  reportSummary,
  reportXlsx,
  reportXlsxStream,
  toBuffer,
  XLSX_MIME,
} from './files.ts';
export { fill, type ReportLabels, type ReportLang } from './labels.ts';
export * from './model.ts';
export {
  OPEN_DATA_LEVELS,
  type OpenDataLevel,
  type OpenDataService,
  openDataColumns,
  openDataCsv,
  openDataFileName,
  openDataService,
} from './open-data.ts';
export {
  buildReport,
  clearSeriesCache,
  reportCampaign,
  schoolRows,
  seriesDays,
  warmSeriesCache,
} from './queries.ts';
export { type ReportCaller, ReportError, type ReportErrorCode, resolveScope } from './scope.ts';
export { type ReportMenu, type ReportsService, reportsService, type ScopeOption } from './service.ts';
export { reconcileStats, startSnapshotScheduler, takeDailySnapshot } from './snapshot.ts';
