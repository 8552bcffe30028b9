// Class formation in the bot (K-SCHOOL-7, R-10.8): /classes shows the classes of the user's school;
// staff form them, open a class, move a child, and get the lists as XLSX and PDF documents.
import { Composer, InlineKeyboard, InputFile } from 'grammy';
import type { ClassFileLabels } from '../../../../core/services/school/class-files.ts';
import {
  classFileName,
  classListsPdf,
  classListsXlsx,
} from '../../../../core/services/school/class-files.ts';
import {
  type ClassesOverview,
  type ClassList,
  type ClassService,
  classIndex,
  classNameAt,
} from '../../../../core/services/school/classes.ts';
import type { BotContext } from '../../../context.ts';
import { esc } from '../../../format/html.ts';
import type { Translate, UiLanguage } from '../../../i18n.ts';
import type { Screen } from '../../public/views.ts';
import { show } from '../../show.ts';
import { answered, langName, refuse, schoolPicker } from '../quotas/shared.ts';
import { type ClassAction, decodeClass, encodeClass } from './callback.ts';

export type ClassesFeatureDeps = {
  classes: Pick<ClassService, 'overview' | 'form' | 'classList' | 'lists' | 'move' | 'placement'>;
};

/** The words of the class-list files in the reader's language. */
export function classFileLabels(t: Translate): ClassFileLabels {
  const f = (k: string) => t(`schoolops:files.${k}`);
  return {
    title: f('title'),
    school: f('school'),
    academicYear: f('academic_year'),
    className: f('class'),
    language: f('language'),
    languageNames: {
      ky: langName(t, 'ky'),
      ru: langName(t, 'ru'),
      uz: langName(t, 'uz'),
      tg: langName(t, 'tg'),
      en: langName(t, 'en'),
    },
    columns: {
      no: f('no'),
      surname: f('surname'),
      name: f('name'),
      patronymic: f('patronymic'),
      birthDate: f('birth_date'),
      sex: f('sex'),
      number: f('number'),
    },
    sex: { F: f('female'), M: f('male'), unknown: f('unknown') },
    direct: f('direct'),
    total: f('total'),
    girls: f('girls'),
    boys: f('boys'),
    generated: f('generated'),
    summary: f('summary'),
  };
}

export function classesOverviewScreen(t: Translate, lang: UiLanguage, o: ClassesOverview): Screen {
  const lines = [t('schoolops:classes.title', { school: esc(o.school.name[lang]) }), ''];
  const kb = new InlineKeyboard();
  const enrolled = o.languages.reduce((n, l) => n + l.enrolled, 0);
  for (const l of o.languages) {
    if (l.enrolled === 0 && l.classes.length === 0) continue;
    lines.push(
      t('schoolops:classes.language_line', {
        language: langName(t, l.language),
        enrolled: l.enrolled,
        limit: l.limit,
      }),
    );
    for (const c of l.classes) lines.push(t('schoolops:classes.class_line', { ...c }));
    if (l.unassigned > 0) lines.push(t('schoolops:classes.unassigned', { count: l.unassigned }));
  }
  if (enrolled === 0) lines.push(t('schoolops:classes.nobody'));
  else if (!o.formed) lines.push('', t('schoolops:classes.none'));
  const all = o.languages.flatMap((l) => l.classes);
  all.forEach((c, i) => {
    kb.text(
      t('schoolops:classes.class_button', { name: c.name, size: c.size }),
      encodeClass({ a: 'class', school: o.schoolId, index: classIndex(c.name) }),
    );
    if (i % 3 === 2) kb.row();
  });
  kb.row();
  if (enrolled > 0) {
    kb.text(
      t(o.formed ? 'schoolops:classes.update_button' : 'schoolops:classes.form_button'),
      encodeClass({ a: 'form', school: o.schoolId }),
    ).row();
  }
  if (o.formed) {
    kb.text(t('schoolops:classes.xlsx_button'), encodeClass({ a: 'xlsx', school: o.schoolId }))
      .text(t('schoolops:classes.pdf_button'), encodeClass({ a: 'pdf', school: o.schoolId }))
      .row()
      .text(t('schoolops:classes.reset_button'), encodeClass({ a: 'reset_ask', school: o.schoolId }));
  }
  return { text: lines.join('\n'), keyboard: kb };
}

export function classScreen(t: Translate, schoolId: number, list: ClassList): Screen {
  const lines = [
    t('schoolops:classes.class_title', {
      name: list.name,
      language: langName(t, list.language),
      size: list.pupils.length,
      limit: list.limit,
    }),
    '',
    ...list.pupils.map((p) =>
      t('schoolops:classes.pupil', {
        no: p.no,
        surname: esc(p.surname),
        name: esc(p.name),
        mark: p.direct ? t('schoolops:classes.direct_mark') : '',
      }),
    ),
    '',
    t('schoolops:classes.move_hint'),
  ];
  const kb = new InlineKeyboard();
  list.pupils.forEach((p, i) => {
    kb.text(String(p.no), encodeClass({ a: 'pick', assignment: p.assignmentId }));
    if (i % 6 === 5) kb.row();
  });
  kb.row().text(t('schoolops:common.back'), encodeClass({ a: 'overview', school: schoolId }));
  return { text: lines.join('\n'), keyboard: kb };
}

export function classesFeature(deps: ClassesFeatureDeps) {
  const { classes } = deps;
  const c = new Composer<BotContext>();
  const pm = c.chatType('private');

  async function home(ctx: BotContext) {
    const schools = new Map<
      number,
      { id: number; code: string; name: { ky: string; ru: string; en: string } }
    >();
    for (const l of ctx.staff ?? [])
      if (l.scope.kind === 'school' && (l.role === 'director' || l.role === 'admissions'))
        schools.set(l.scope.id, l.scope);
    if (schools.size === 0) {
      await answered(ctx);
      await ctx.reply(ctx.t('schoolops:common.no_role'));
      return;
    }
    if (schools.size === 1) return overview(ctx, [...schools.keys()][0] as number);
    await answered(ctx);
    await show(ctx, {
      text: ctx.t('schoolops:common.pick_school'),
      keyboard: schoolPicker(ctx.lang, [...schools.values()], (id) =>
        encodeClass({ a: 'overview', school: id }),
      ),
    });
  }

  async function overview(ctx: BotContext, school: number, fresh = false) {
    try {
      const o = await classes.overview(ctx.from?.id as number, school);
      await answered(ctx);
      await show(ctx, classesOverviewScreen(ctx.t, ctx.lang, o), { fresh });
    } catch (e) {
      await refuse(ctx, e);
    }
  }

  async function sendFile(ctx: BotContext, school: number, kind: 'xlsx' | 'pdf') {
    try {
      const lists = await classes.lists(ctx.from?.id as number, school);
      await answered(ctx);
      await ctx.replyWithChatAction('upload_document').catch(() => {});
      const labels = classFileLabels(ctx.t);
      const data =
        kind === 'xlsx'
          ? await classListsXlsx(lists, labels, ctx.lang)
          : await classListsPdf(lists, labels, ctx.lang);
      await ctx.replyWithDocument(new InputFile(data, `${classFileName(lists)}.${kind}`), {
        caption: ctx.t('schoolops:classes.files_caption', { school: esc(lists.school.name[ctx.lang]) }),
        parse_mode: 'HTML',
      });
    } catch (e) {
      await refuse(ctx, e);
    }
  }

  pm.command('classes', (ctx) => home(ctx));

  pm.on('callback_query:data', async (ctx, next) => {
    const action: ClassAction | null = decodeClass(ctx.callbackQuery.data);
    if (!action) {
      if (ctx.callbackQuery.data.startsWith('cl|')) {
        await ctx.answerCallbackQuery({ text: ctx.t('errors.stale_button') }).catch(() => {});
        return;
      }
      return next();
    }
    const from = ctx.from.id;
    try {
      switch (action.a) {
        case 'home':
          return await home(ctx);
        case 'overview':
          return await overview(ctx, action.school);
        case 'form': {
          const o = await classes.form(from, action.school);
          await answered(ctx);
          await show(ctx, classesOverviewScreen(ctx.t, ctx.lang, o));
          return;
        }
        case 'reset_ask':
          await answered(ctx);
          await show(ctx, {
            text: ctx.t('schoolops:classes.reset_confirm'),
            keyboard: new InlineKeyboard()
              .text(ctx.t('schoolops:classes.reset_yes'), encodeClass({ a: 'reset', school: action.school }))
              .text(ctx.t('schoolops:common.back'), encodeClass({ a: 'overview', school: action.school })),
          });
          return;
        case 'reset': {
          const o = await classes.form(from, action.school, { reset: true });
          await answered(ctx);
          await show(ctx, classesOverviewScreen(ctx.t, ctx.lang, o));
          return;
        }
        case 'class': {
          const list = await classes.classList(from, action.school, classNameAt(action.index));
          await answered(ctx);
          await show(ctx, classScreen(ctx.t, action.school, list));
          return;
        }
        case 'pick': {
          // the class the child is in, and the other classes of the same language
          const o = await pickTargets(ctx, action.assignment);
          if (!o) return;
          await answered(ctx);
          await show(ctx, o);
          return;
        }
        case 'move': {
          const r = await classes.move(from, action.assignment, classNameAt(action.index));
          await answered(ctx, ctx.t('schoolops:classes.moved', { to: r.to }));
          const list = await classes.classList(from, r.schoolId, r.from);
          await show(ctx, classScreen(ctx.t, r.schoolId, list));
          return;
        }
        case 'xlsx':
        case 'pdf':
          return await sendFile(ctx, action.school, action.a);
      }
    } catch (e) {
      await refuse(ctx, e);
    }
  });

  /** The move screen: which class of the same language the child may go to. */
  async function pickTargets(ctx: BotContext, assignment: number): Promise<Screen | null> {
    const p = await classes.placement(ctx.from?.id as number, assignment);
    const others = p.classes.filter((x) => x.name !== p.className);
    const kb = new InlineKeyboard();
    for (const x of others)
      kb.text(
        ctx.t('schoolops:classes.class_button', { name: x.name, size: x.size }),
        encodeClass({ a: 'move', assignment, index: classIndex(x.name) }),
      );
    kb.row().text(
      ctx.t('schoolops:common.back'),
      encodeClass({ a: 'class', school: p.schoolId, index: classIndex(p.className) }),
    );
    const text =
      others.length === 0
        ? ctx.t('schoolops:classes.no_other_class')
        : ctx.t('schoolops:classes.move_pick', {
            surname: esc(p.surname),
            name: esc(p.name),
            from: p.className,
          });
    return { text, keyboard: kb };
  }

  return c;
}
