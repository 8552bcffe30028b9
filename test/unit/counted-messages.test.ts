import { describe, expect, it } from 'vitest';
import { refusalText } from '../../bot/features/parent/wizard/text.ts';
import { refusalText as quotaRefusal } from '../../bot/features/staff/quotas/shared.ts';
import { translator } from '../../bot/i18n.ts';
import { renderNotification } from '../../bot/notifications/worker.ts';
import { ApplicationError } from '../../core/services/applications/errors.ts';
import { SchoolOpsError } from '../../core/services/school/ops.ts';

// Counted messages agree with their number: 1 ребёнок, 2 ребёнка, 5 детей; 1 child, 2 children.
const deps = { schoolName: async () => null, documentsDeadline: async () => null };
const digest = (count: number, lang: 'ky' | 'ru' | 'en') =>
  renderNotification(
    {
      id: 1n,
      telegramId: 1n,
      kind: 'oversight.coverage_digest',
      params: { count, total: 9, week: '2026-W14' },
      attempts: 0,
    },
    lang,
    deps,
  ).then((m) => m.text);

describe('counted messages', () => {
  it('word the weekly coverage digest by its count (it showed no number at all before)', async () => {
    expect(await digest(1, 'ru')).toContain('1 ребёнок подходящего возраста');
    expect(await digest(2, 'ru')).toContain('2 ребёнка подходящего возраста');
    expect(await digest(5, 'ru')).toContain('5 детей подходящего возраста');
    expect(await digest(21, 'ru')).toContain('21 ребёнок');
    expect(await digest(1, 'en')).toContain('1 child of the eligible years in your district is not placed');
    expect(await digest(3, 'en')).toContain(
      '3 children of the eligible years in your district are not placed',
    );
    expect(await digest(4, 'ky')).toContain('4 бала');
  });

  it('word a full class and the cancellation limit by their number', () => {
    const ru = translator('ru');
    expect(quotaRefusal(ru, new SchoolOpsError('class_full', { limit: 22 }))).toBe(
      'Класс заполнен (22 ребёнка).',
    );
    expect(quotaRefusal(ru, new SchoolOpsError('class_full', { limit: 25 }))).toBe(
      'Класс заполнен (25 детей).',
    );
    expect(quotaRefusal(translator('en'), new SchoolOpsError('class_full', { limit: 1 }))).toBe(
      'That class is full (1 child).',
    );
    expect(refusalText(ru, 'ru', new ApplicationError('cancellation_limit', { limit: 3 }))).toContain(
      'не более 3 раз ',
    );
    expect(refusalText(ru, 'ru', new ApplicationError('cancellation_limit', { limit: 1 }))).toContain(
      'не более 1 раза',
    );
    expect(
      refusalText(translator('en'), 'en', new ApplicationError('cancellation_limit', { limit: 3 })),
    ).toContain('at most 3 times');
  });
});
