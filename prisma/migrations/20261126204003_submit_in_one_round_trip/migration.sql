-- CreateTable
CREATE TABLE "reference_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "reference_version_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "reference_version" ADD CONSTRAINT "reference_version_one_row" CHECK ("id" = 1);
INSERT INTO "reference_version" ("id", "version") VALUES (1, 1);

-- Any change of the reference data a submission is checked against bumps the version in the same
-- transaction: a process that read the version with its own query knows its cache is current.
CREATE FUNCTION reference_version_bump() RETURNS trigger AS $$
BEGIN
  UPDATE reference_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER campaign_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON campaign
  FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();
CREATE TRIGGER stage_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stage
  FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();
CREATE TRIGGER school_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON school
  FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();
CREATE TRIGGER catchment_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catchment
  FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();

-- The seat decision of a submission (queue mode, K-SEAT-1..3) in one round trip, so that the quota's
-- row lock is held only inside the server. The caller has checked stage and eligibility against the
-- row it read; this re-checks under the lock that nothing it relied on has changed ('changed': read
-- again), takes a seat (`taken < seats` under the lock; the CHECK constraint is the last line) or
-- waitlists, numbers the receipt, and writes both transitions and the school's alert. The statuses
-- come from the caller's transition table (core/domain/application-state.ts).
CREATE FUNCTION submit_decision(
  p_app bigint, p_telegram bigint, p_school integer, p_language text, p_campaign text,
  p_basis text, p_stage_ordinal integer, p_catchment boolean, p_at timestamptz,
  p_documents_due timestamptz, p_refuse_when_full boolean,
  p_submitted text, p_admitted text, p_waitlisted text, p_actor_kind text, p_actor_id text)
RETURNS TABLE (outcome text, received_seq bigint) AS $$
DECLARE
  a application%ROWTYPE;
  q_seats integer;
  q_taken integer;
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

  SELECT seats, taken INTO q_seats, q_taken FROM quota
   WHERE school_id = p_school AND campaign_id = p_campaign AND language = p_language::"Language"
   FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'no_quota'::text, NULL::bigint; RETURN;
  END IF;
  IF q_taken >= q_seats AND p_refuse_when_full THEN
    RETURN QUERY SELECT 'school_full'::text, NULL::bigint; RETURN;
  END IF;
  held := false;
  IF q_taken < q_seats THEN
    UPDATE quota SET taken = taken + 1, updated_at = now()
     WHERE school_id = p_school AND campaign_id = p_campaign AND language = p_language::"Language"
       AND taken < seats;
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
          CASE WHEN held THEN 'seat_held' ELSE 'no_free_seat' END,
          jsonb_build_object('schoolId', p_school, 'language', p_language));
  -- the school's staff hear of it in their next digest (K-SCHOOL-1); the same key as recordAlert's
  INSERT INTO outbox_message (telegram_id, kind, params, dedupe_key, due_at, status)
  VALUES (0, 'alert.new_application',
          jsonb_build_object('schoolId', p_school, 'number', a.number, 'applicationId', p_app::text,
                             'language', p_language, 'outcome', decided),
          'alert:new_application:' || p_school || ':' || p_app || ':' || decided, p_at, 'alert')
  ON CONFLICT (dedupe_key) DO NOTHING;

  RETURN QUERY SELECT decided, seq;
END $$ LANGUAGE plpgsql;
