-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('draft', 'submitted', 'admitted', 'waitlisted', 'enrolled', 'released', 'withdrawn', 'rejected');

-- CreateEnum
CREATE TYPE "VerificationStatus" AS ENUM ('pending', 'verified', 'failed');

-- CreateEnum
CREATE TYPE "PriorityCategory" AS ENUM ('none', 'military', 'kairylman', 'staff');

-- CreateEnum
CREATE TYPE "PriorityStatus" AS ENUM ('none', 'claimed', 'verified', 'dropped');

-- CreateTable
CREATE TABLE "application" (
    "id" BIGSERIAL NOT NULL,
    "number" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "telegram_id" BIGINT NOT NULL,
    "applicant_pin" TEXT NOT NULL,
    "child_pin" TEXT NOT NULL,
    "certificate_series" TEXT NOT NULL,
    "certificate_number" TEXT NOT NULL,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'draft',
    "verification" "VerificationStatus" NOT NULL DEFAULT 'pending',
    "verification_note" TEXT,
    "verified_at" TIMESTAMPTZ(3),
    "relation" TEXT,
    "child" JSONB,
    "registered_address" JSONB,
    "actual_address" JSONB,
    "basis" "StageKind",
    "stage_ordinal" INTEGER,
    "school_id" INTEGER,
    "language" "Language",
    "catchment_match" BOOLEAN NOT NULL DEFAULT false,
    "priority" "PriorityCategory" NOT NULL DEFAULT 'none',
    "priority_status" "PriorityStatus" NOT NULL DEFAULT 'none',
    "priority_due_at" TIMESTAMPTZ(3),
    "phone" TEXT,
    "consent_at" TIMESTAMPTZ(3),
    "submitted_at" TIMESTAMPTZ(3),
    "received_seq" BIGINT,
    "decided_at" TIMESTAMPTZ(3),
    "documents_due_at" TIMESTAMPTZ(3),
    "swap_school_id" INTEGER,
    "swap_language" "Language",
    "swap_seq" BIGINT,
    "swap_catchment" BOOLEAN NOT NULL DEFAULT false,
    "swap_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_transition" (
    "id" BIGSERIAL NOT NULL,
    "application_id" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "from_status" "ApplicationStatus",
    "to_status" "ApplicationStatus" NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "application_transition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_message" (
    "id" BIGSERIAL NOT NULL,
    "telegram_id" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "dedupe_key" TEXT,
    "due_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',

    CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_register_entry" (
    "id" SERIAL NOT NULL,
    "school_id" INTEGER NOT NULL,
    "pin" TEXT NOT NULL,
    "position" TEXT NOT NULL,
    "employed_since" DATE NOT NULL,
    "employed_until" DATE,

    CONSTRAINT "staff_register_entry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "application_number_key" ON "application"("number");

-- CreateIndex
CREATE INDEX "application_campaign_id_child_pin_idx" ON "application"("campaign_id", "child_pin");

-- CreateIndex
CREATE INDEX "application_telegram_id_idx" ON "application"("telegram_id");

-- CreateIndex
CREATE INDEX "application_school_id_language_status_idx" ON "application"("school_id", "language", "status");

-- CreateIndex
CREATE INDEX "application_swap_school_id_swap_language_idx" ON "application"("swap_school_id", "swap_language");

-- CreateIndex
CREATE INDEX "application_transition_application_id_at_idx" ON "application_transition"("application_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_message_dedupe_key_key" ON "outbox_message"("dedupe_key");

-- CreateIndex
CREATE INDEX "outbox_message_status_due_at_idx" ON "outbox_message"("status", "due_at");

-- CreateIndex
CREATE INDEX "staff_register_entry_pin_idx" ON "staff_register_entry"("pin");

-- CreateIndex
CREATE UNIQUE INDEX "staff_register_entry_school_id_pin_key" ON "staff_register_entry"("school_id", "pin");

-- AddForeignKey
ALTER TABLE "application_transition" ADD CONSTRAINT "application_transition_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- K-CORE-2: one active application per child per campaign, nationwide (drafts included, so two
-- parents cannot each prepare one). Terminal statuses free the child for a new application.
CREATE UNIQUE INDEX "application_one_active_per_child" ON "application" ("campaign_id", "child_pin")
  WHERE "status" IN ('draft', 'submitted', 'admitted', 'waitlisted', 'enrolled');

-- The order in which Kattoo received submissions (the last tie-break of queue mode, K-CAMP-4).
CREATE SEQUENCE "application_received_seq";

-- Human-readable application numbers.
CREATE SEQUENCE "application_number_seq";

-- A seat is held only with a school and a language.
ALTER TABLE "application" ADD CONSTRAINT "application_seat_has_school" CHECK (
  "status" NOT IN ('admitted', 'enrolled', 'waitlisted') OR ("school_id" IS NOT NULL AND "language" IS NOT NULL));

-- The waitlist, in order of receipt within a school and language.
CREATE INDEX "application_waitlist_order" ON "application" ("school_id", "language", "received_seq")
  WHERE "status" = 'waitlisted';
