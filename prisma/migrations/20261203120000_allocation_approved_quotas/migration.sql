-- Allocation made lawful (issue 11, decision 0008).

-- A pending change of school waits in line under the stage it was accepted in (K-SEAT-5) and with
-- the priority that applies at its target school (R-15.2a/c are tied to a school).
ALTER TABLE "application" ADD COLUMN "swap_basis" "StageKind";
ALTER TABLE "application" ADD COLUMN "swap_priority" BOOLEAN NOT NULL DEFAULT false;

-- A quota change from a ministry file has no staff link: `author` names who asked on every channel.
ALTER TABLE "quota_change" ALTER COLUMN "requested_by" DROP NOT NULL;
ALTER TABLE "quota_change" ADD COLUMN "author" TEXT;

-- The submission decision (decision 0004), now giving a seat only from an approved quota (K-SEAT-1,
-- K-CORE-1): the TypeScript twin of this rule is core/allocation/submit-decision.ts, and
-- test/integration/allocation-property.test.ts proves the two agree. A submission to a quota not yet
-- approved holds its place in line (waitlisted, 'awaiting_approval'); it is decided in order the moment
-- the district approves (core/allocation/approval.ts). Unchanged otherwise.
CREATE OR REPLACE FUNCTION submit_decision(
  p_app bigint, p_telegram bigint, p_school integer, p_language text, p_campaign text,
  p_basis text, p_stage_ordinal integer, p_catchment boolean, p_at timestamptz,
  p_documents_due timestamptz, p_refuse_when_full boolean,
  p_submitted text, p_admitted text, p_waitlisted text, p_actor_kind text, p_actor_id text)
RETURNS TABLE (outcome text, received_seq bigint) AS $$
DECLARE
  a application%ROWTYPE;
  q_seats integer;
  q_taken integer;
  q_approved boolean;
  held boolean;
  seq bigint;
  decided text;
BEGIN
  SELECT * INTO a FROM application WHERE id = p_app AND telegram_id = p_telegram FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::bigint; RETURN;
  END IF;
  IF a.status::text IN (p_admitted, p_waitlisted) THEN
    RETURN QUERY SELECT 'repeated'::text, a.received_seq; RETURN;
  END IF;
  IF a.status <> 'draft' OR a.verification <> 'verified' OR a.school_id IS DISTINCT FROM p_school
     OR a.language::text IS DISTINCT FROM p_language OR a.campaign_id <> p_campaign
     OR a.phone IS NULL OR a.consent_at IS NULL THEN
    RETURN QUERY SELECT 'changed'::text, NULL::bigint; RETURN;
  END IF;

  SELECT seats, taken, approved INTO q_seats, q_taken, q_approved FROM quota
   WHERE school_id = p_school AND campaign_id = p_campaign AND language = p_language::"Language"
   FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'no_quota'::text, NULL::bigint; RETURN;
  END IF;
  IF q_approved AND q_taken >= q_seats AND p_refuse_when_full THEN
    RETURN QUERY SELECT 'school_full'::text, NULL::bigint; RETURN;
  END IF;
  held := false;
  IF q_approved AND q_taken < q_seats THEN
    UPDATE quota SET taken = taken + 1, updated_at = now()
     WHERE school_id = p_school AND campaign_id = p_campaign AND language = p_language::"Language"
       AND approved AND taken < seats;
    held := FOUND;
  END IF;
  decided := CASE WHEN held THEN p_admitted ELSE p_waitlisted END;
  seq := nextval('application_received_seq');

  UPDATE application SET status = decided::"ApplicationStatus", submitted_at = p_at, received_seq = seq,
         basis = p_basis::"StageKind", stage_ordinal = p_stage_ordinal, catchment_match = p_catchment,
         decided_at = p_at, documents_due_at = CASE WHEN held THEN p_documents_due END, updated_at = now()
   WHERE id = p_app;
  INSERT INTO application_transition (application_id, at, from_status, to_status, actor_kind, actor_id, reason, details)
  VALUES (p_app, p_at, 'draft', p_submitted::"ApplicationStatus", p_actor_kind, p_actor_id, 'submitted',
          jsonb_build_object('stage', p_stage_ordinal)),
         (p_app, p_at, p_submitted::"ApplicationStatus", decided::"ApplicationStatus", 'system', 'kattoo',
          CASE WHEN held THEN 'seat_held' WHEN NOT q_approved THEN 'quota_not_approved' ELSE 'no_free_seat' END,
          jsonb_build_object('schoolId', p_school, 'language', p_language));
  -- the school's staff hear of it in their next digest (K-SCHOOL-1); the same key as recordAlert's
  INSERT INTO outbox_message (telegram_id, kind, params, dedupe_key, due_at, status)
  VALUES (0, 'alert.new_application',
          jsonb_build_object('schoolId', p_school, 'number', a.number, 'applicationId', p_app::text,
                             'language', p_language, 'outcome', decided),
          'alert:new_application:' || p_school || ':' || p_app || ':' || decided, p_at, 'alert')
  ON CONFLICT (dedupe_key) DO NOTHING;

  RETURN QUERY SELECT CASE WHEN NOT held AND NOT q_approved THEN 'awaiting_approval' ELSE decided END, seq;
END $$ LANGUAGE plpgsql;
