-- CreateEnum
CREATE TYPE "StaffRole" AS ENUM ('director', 'admissions', 'district', 'ministry');

-- CreateTable
CREATE TABLE "identity_link" (
    "telegram_id" BIGINT NOT NULL,
    "pin" TEXT NOT NULL,
    "linked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_link_pkey" PRIMARY KEY ("telegram_id")
);

-- CreateTable
CREATE TABLE "sign_in_attempt" (
    "token_hash" TEXT NOT NULL,
    "telegram_id" BIGINT NOT NULL,
    "chat_id" BIGINT NOT NULL,
    "state" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "sign_in_attempt_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "staff_invite" (
    "token_hash" TEXT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "school_id" INTEGER,
    "territory_id" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "used_by" BIGINT,

    CONSTRAINT "staff_invite_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "staff_member" (
    "id" SERIAL NOT NULL,
    "telegram_id" BIGINT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "school_id" INTEGER,
    "territory_id" TEXT,
    "display_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "staff_member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_kind" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "identity_link_pin_key" ON "identity_link"("pin");

-- CreateIndex
CREATE UNIQUE INDEX "sign_in_attempt_state_key" ON "sign_in_attempt"("state");

-- CreateIndex
CREATE INDEX "sign_in_attempt_telegram_id_idx" ON "sign_in_attempt"("telegram_id");

-- CreateIndex
CREATE INDEX "staff_member_telegram_id_idx" ON "staff_member"("telegram_id");

-- CreateIndex
CREATE INDEX "staff_member_school_id_idx" ON "staff_member"("school_id");

-- CreateIndex
CREATE INDEX "audit_event_subject_at_idx" ON "audit_event"("subject", "at");

-- K-ID-3: a role's scope has the right shape (school staff → a school; district → a territory; ministry → none).
ALTER TABLE "staff_member" ADD CONSTRAINT "staff_member_scope" CHECK (
  ("role" IN ('director', 'admissions') AND "school_id" IS NOT NULL AND "territory_id" IS NULL) OR
  ("role" = 'district' AND "territory_id" IS NOT NULL AND "school_id" IS NULL) OR
  ("role" = 'ministry' AND "school_id" IS NULL AND "territory_id" IS NULL));
ALTER TABLE "staff_invite" ADD CONSTRAINT "staff_invite_scope" CHECK (
  ("role" IN ('director', 'admissions') AND "school_id" IS NOT NULL AND "territory_id" IS NULL) OR
  ("role" = 'district' AND "territory_id" IS NOT NULL AND "school_id" IS NULL) OR
  ("role" = 'ministry' AND "school_id" IS NULL AND "territory_id" IS NULL));
-- One active role per Telegram user and role scope.
CREATE UNIQUE INDEX "staff_member_active_key" ON "staff_member" ("telegram_id", "role", COALESCE("school_id", 0), COALESCE("territory_id", ''))
  WHERE "revoked_at" IS NULL;
