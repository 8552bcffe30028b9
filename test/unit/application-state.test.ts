import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ACTIVE,
  canTransition,
  HOLDS_SEAT,
  InvalidTransitionError,
  STATUSES,
  TERMINAL,
  TRANSITIONS,
  transition,
} from '../../core/domain/application-state.ts';
import { lifecycleMarkdown } from '../../core/domain/lifecycle-doc.ts';

describe('application life cycle (one transition table)', () => {
  it('follows the contract’s statuses and moves', () => {
    expect(transition('draft', 'submit')).toBe('submitted');
    expect(transition('submitted', 'seat_held')).toBe('admitted');
    expect(transition('submitted', 'no_seat')).toBe('waitlisted');
    expect(transition('waitlisted', 'seat_freed')).toBe('admitted');
    expect(transition('admitted', 'documents_accepted')).toBe('enrolled');
    expect(transition('admitted', 'documents_missed')).toBe('released');
    expect(transition('submitted', 'not_eligible')).toBe('rejected');
    for (const s of STATUSES.filter((x) => !TERMINAL.has(x) && x !== 'enrolled'))
      expect(transition(s, 'withdraw')).toBe('withdrawn');
  });

  it('refuses every move the table does not hold', () => {
    expect(() => transition('withdrawn', 'submit')).toThrow(InvalidTransitionError);
    expect(() => transition('draft', 'seat_held')).toThrow(InvalidTransitionError);
    expect(canTransition('released', 'seat_freed')).toBe(false);
    for (const s of TERMINAL) expect(TRANSITIONS.some((t) => t.from === s)).toBe(false);
    expect([...TERMINAL].sort()).toEqual(['enrolled', 'rejected', 'released', 'withdrawn']);
  });

  it('keeps its named sets consistent with the database index and seat counter', () => {
    const sql = readFileSync(
      new URL('../../prisma/migrations/20261126180136_applications/migration.sql', import.meta.url),
      'utf8',
    );
    const indexed = /WHERE "status" IN \(([^)]*)\)/.exec(sql)?.[1]?.replace(/['\s]/g, '').split(',').sort();
    expect(indexed).toEqual([...ACTIVE].sort());
    expect([...HOLDS_SEAT].sort()).toEqual(['admitted', 'enrolled']);
  });

  it('has its diagram in docs/ generated from the table (npm run docs)', () => {
    const committed = readFileSync(new URL('../../docs/application-lifecycle.md', import.meta.url), 'utf8');
    expect(committed).toBe(lifecycleMarkdown());
  });
});
