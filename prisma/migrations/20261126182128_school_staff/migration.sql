-- CreateEnum
CREATE TYPE "RequiredDocument" AS ENUM ('application_form', 'birth_certificate_copy', 'parent_passport', 'health_certificate', 'vaccination_certificate', 'photo_3x4');

-- CreateEnum
CREATE TYPE "DirectGround" AS ENUM ('commission', 'over_age', 'no_documents');

-- CreateTable
CREATE TABLE "access_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "staff_member_id" INTEGER NOT NULL,
    "telegram_id" BIGINT NOT NULL,
    "role" "StaffRole" NOT NULL,
    "application_id" BIGINT,
    "child_pin" TEXT NOT NULL,
    "what" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,

    CONSTRAINT "access_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "document_receipt" (
    "application_id" BIGINT NOT NULL,
    "document" "RequiredDocument" NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "received_by" INTEGER NOT NULL,

    CONSTRAINT "document_receipt_pkey" PRIMARY KEY ("application_id","document")
);

-- CreateTable
CREATE TABLE "direct_admission" (
    "id" SERIAL NOT NULL,
    "school_id" INTEGER NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "child_pin" TEXT,
    "child_name" TEXT NOT NULL,
    "sex" TEXT,
    "birth_date" DATE,
    "ground" "DirectGround" NOT NULL,
    "document_number" TEXT NOT NULL,
    "pmpk_referral" BOOLEAN NOT NULL DEFAULT false,
    "created_by" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "withdrawn_at" TIMESTAMPTZ(3),

    CONSTRAINT "direct_admission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "undocumented_child" (
    "id" SERIAL NOT NULL,
    "school_id" INTEGER NOT NULL,
    "child_name" TEXT NOT NULL,
    "birth_year" INTEGER,
    "address" TEXT,
    "requested_to" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "note" TEXT,
    "created_by" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "undocumented_child_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quota_change" (
    "id" SERIAL NOT NULL,
    "school_id" INTEGER NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "from_seats" INTEGER,
    "to_seats" INTEGER NOT NULL,
    "class_size" INTEGER NOT NULL,
    "reason" TEXT,
    "status" TEXT NOT NULL DEFAULT 'submitted',
    "requested_by" INTEGER NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by" INTEGER,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,

    CONSTRAINT "quota_change_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "totp_factor" (
    "staff_member_id" INTEGER NOT NULL,
    "secret_enc" TEXT NOT NULL,
    "enrolled_at" TIMESTAMPTZ(3),
    "last_step" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "totp_factor_pkey" PRIMARY KEY ("staff_member_id")
);

-- CreateTable
CREATE TABLE "class_assignment" (
    "id" SERIAL NOT NULL,
    "school_id" INTEGER NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "class_name" TEXT NOT NULL,
    "application_id" BIGINT,
    "direct_admission_id" INTEGER,
    "moved_by" INTEGER,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "class_assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_group" (
    "school_id" INTEGER NOT NULL,
    "chat_id" BIGINT NOT NULL,
    "connected_by" INTEGER NOT NULL,
    "connected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_group_pkey" PRIMARY KEY ("school_id")
);

-- CreateIndex
CREATE INDEX "access_log_child_pin_at_idx" ON "access_log"("child_pin", "at");

-- CreateIndex
CREATE INDEX "access_log_application_id_idx" ON "access_log"("application_id");

-- CreateIndex
CREATE INDEX "direct_admission_school_id_campaign_id_language_idx" ON "direct_admission"("school_id", "campaign_id", "language");

-- CreateIndex
CREATE INDEX "undocumented_child_school_id_idx" ON "undocumented_child"("school_id");

-- CreateIndex
CREATE INDEX "quota_change_school_id_campaign_id_idx" ON "quota_change"("school_id", "campaign_id");

-- CreateIndex
CREATE INDEX "quota_change_status_idx" ON "quota_change"("status");

-- CreateIndex
CREATE UNIQUE INDEX "class_assignment_application_id_key" ON "class_assignment"("application_id");

-- CreateIndex
CREATE UNIQUE INDEX "class_assignment_direct_admission_id_key" ON "class_assignment"("direct_admission_id");

-- CreateIndex
CREATE INDEX "class_assignment_school_id_campaign_id_language_idx" ON "class_assignment"("school_id", "campaign_id", "language");

-- CreateIndex
CREATE UNIQUE INDEX "staff_group_chat_id_key" ON "staff_group"("chat_id");

-- A class assignment is for exactly one child: an application or a direct admission.
ALTER TABLE "class_assignment" ADD CONSTRAINT "class_assignment_one_child" CHECK (
  ("application_id" IS NULL) <> ("direct_admission_id" IS NULL));
ALTER TABLE "quota_change" ADD CONSTRAINT "quota_change_status" CHECK ("status" IN ('submitted', 'approved', 'rejected'));
ALTER TABLE "quota_change" ADD CONSTRAINT "quota_change_seats" CHECK ("to_seats" >= 0 AND "class_size" BETWEEN 1 AND 36);
