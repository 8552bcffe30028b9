-- CreateEnum
CREATE TYPE "AppealLevel" AS ENUM ('school', 'district', 'ministry');

-- CreateTable
CREATE TABLE "appeal" (
    "id" SERIAL NOT NULL,
    "number" TEXT NOT NULL,
    "application_id" BIGINT NOT NULL,
    "telegram_id" BIGINT NOT NULL,
    "language" TEXT NOT NULL,
    "level" "AppealLevel" NOT NULL,
    "parent_id" INTEGER,
    "school_id" INTEGER NOT NULL,
    "district_id" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "answer" TEXT,
    "answered_at" TIMESTAMPTZ(3),
    "answered_by" INTEGER,

    CONSTRAINT "appeal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coverage_follow_up" (
    "id" SERIAL NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "child_pin" TEXT NOT NULL,
    "district_id" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "note" TEXT,
    "recorded_by" INTEGER NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "coverage_follow_up_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_stats" (
    "campaign_id" TEXT NOT NULL,
    "school_id" INTEGER NOT NULL,
    "language" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "basis" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "sex" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "application_stats_pkey" PRIMARY KEY ("campaign_id","school_id","language","status","basis","priority","sex")
);

-- CreateTable
CREATE TABLE "stats_daily" (
    "day" DATE NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "school_id" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "stats_daily_pkey" PRIMARY KEY ("day","campaign_id","school_id","status")
);

-- CreateIndex
CREATE UNIQUE INDEX "appeal_number_key" ON "appeal"("number");

-- CreateIndex
CREATE INDEX "appeal_school_id_status_idx" ON "appeal"("school_id", "status");

-- CreateIndex
CREATE INDEX "appeal_district_id_status_idx" ON "appeal"("district_id", "status");

-- CreateIndex
CREATE INDEX "appeal_application_id_idx" ON "appeal"("application_id");

-- CreateIndex
CREATE INDEX "coverage_follow_up_campaign_id_district_id_idx" ON "coverage_follow_up"("campaign_id", "district_id");

-- CreateIndex
CREATE INDEX "coverage_follow_up_child_pin_idx" ON "coverage_follow_up"("child_pin");

ALTER TABLE "appeal" ADD CONSTRAINT "appeal_status" CHECK ("status" IN ('open', 'answered', 'escalated', 'closed'));
ALTER TABLE "coverage_follow_up" ADD CONSTRAINT "coverage_outcome" CHECK ("outcome" IN ('contacted', 'placed', 'moved_away', 'other'));

-- K-OVER-1: application counts kept incrementally, in the same transaction as each change.
-- Applications without a school yet (drafts before the school step) count under school 0.
CREATE FUNCTION application_stats_apply(r application, delta integer) RETURNS void AS $$
BEGIN
  INSERT INTO application_stats AS s (campaign_id, school_id, language, status, basis, priority, sex, n)
  VALUES (r.campaign_id, COALESCE(r.school_id, 0), COALESCE(r.language::text, '-'), r.status::text,
          COALESCE(r.basis::text, '-'), CASE WHEN r.priority_status IN ('claimed', 'verified') THEN r.priority::text ELSE 'none' END,
          COALESCE(r.child->>'sex', '-'), delta)
  ON CONFLICT (campaign_id, school_id, language, status, basis, priority, sex)
  DO UPDATE SET n = s.n + EXCLUDED.n;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION application_stats_trigger() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM application_stats_apply(OLD, -1); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN PERFORM application_stats_apply(NEW, 1); END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER application_stats_maintain AFTER INSERT OR DELETE OR UPDATE OF
  campaign_id, school_id, language, status, basis, priority, priority_status, child
  ON application FOR EACH ROW EXECUTE FUNCTION application_stats_trigger();
