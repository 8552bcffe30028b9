-- CreateEnum
CREATE TYPE "TerritoryKind" AS ENUM ('region', 'city', 'district', 'city_district');

-- CreateEnum
CREATE TYPE "Language" AS ENUM ('ky', 'ru', 'uz', 'tg', 'en');

-- CreateEnum
CREATE TYPE "Ownership" AS ENUM ('public', 'private');

-- CreateEnum
CREATE TYPE "StageKind" AS ENUM ('catchment', 'actual_residence', 'free_seats', 'documents');

-- CreateEnum
CREATE TYPE "AllocationMode" AS ENUM ('queue', 'window');

-- CreateTable
CREATE TABLE "territory" (
    "id" TEXT NOT NULL,
    "kind" "TerritoryKind" NOT NULL,
    "parent_id" TEXT,
    "name_ky" TEXT NOT NULL,
    "name_ru" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "sort_order" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "territory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "school" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name_ky" TEXT NOT NULL,
    "name_ru" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "district_id" TEXT NOT NULL,
    "ownership" "Ownership" NOT NULL DEFAULT 'public',
    "participates" BOOLEAN NOT NULL DEFAULT true,
    "special" BOOLEAN NOT NULL DEFAULT false,
    "settlement" TEXT NOT NULL,
    "address_ky" TEXT NOT NULL,
    "address_ru" TEXT NOT NULL,
    "address_en" TEXT NOT NULL,
    "languages" "Language"[],
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "charter_file_id" TEXT,
    "charter_name" TEXT,

    CONSTRAINT "school_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catchment" (
    "id" SERIAL NOT NULL,
    "school_id" INTEGER NOT NULL,
    "settlement" TEXT NOT NULL,
    "street" TEXT NOT NULL,
    "house_from" INTEGER NOT NULL,
    "house_to" INTEGER NOT NULL,

    CONSTRAINT "catchment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign" (
    "id" TEXT NOT NULL,
    "academic_year" TEXT NOT NULL,
    "birth_from" DATE NOT NULL,
    "birth_to" DATE NOT NULL,
    "documents_deadline" TIMESTAMPTZ(3) NOT NULL,
    "cancellation_limit" INTEGER NOT NULL DEFAULT 3,
    "active" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stage" (
    "id" SERIAL NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "kind" "StageKind" NOT NULL,
    "mode" "AllocationMode" NOT NULL DEFAULT 'queue',
    "opens_at" TIMESTAMPTZ(3) NOT NULL,
    "closes_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "stage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quota" (
    "school_id" INTEGER NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "seats" INTEGER NOT NULL,
    "taken" INTEGER NOT NULL DEFAULT 0,
    "class_size" INTEGER NOT NULL DEFAULT 25,
    "approved" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quota_pkey" PRIMARY KEY ("school_id","campaign_id","language")
);

-- CreateTable
CREATE TABLE "chat_user" (
    "telegram_id" BIGINT NOT NULL,
    "language" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "unreachable_at" TIMESTAMPTZ(3),

    CONSTRAINT "chat_user_pkey" PRIMARY KEY ("telegram_id")
);

-- CreateTable
CREATE TABLE "inbound_update" (
    "update_id" BIGINT NOT NULL,
    "chat_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "failure" TEXT,

    CONSTRAINT "inbound_update_pkey" PRIMARY KEY ("update_id")
);

-- CreateIndex
CREATE INDEX "territory_parent_id_idx" ON "territory"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "school_code_key" ON "school"("code");

-- CreateIndex
CREATE INDEX "school_district_id_idx" ON "school"("district_id");

-- CreateIndex
CREATE INDEX "catchment_settlement_street_idx" ON "catchment"("settlement", "street");

-- CreateIndex
CREATE INDEX "catchment_school_id_idx" ON "catchment"("school_id");

-- CreateIndex
CREATE UNIQUE INDEX "stage_campaign_id_ordinal_key" ON "stage"("campaign_id", "ordinal");

-- CreateIndex
CREATE INDEX "quota_campaign_id_language_idx" ON "quota"("campaign_id", "language");

-- CreateIndex
CREATE INDEX "inbound_update_processed_at_received_at_idx" ON "inbound_update"("processed_at", "received_at");

-- AddForeignKey
ALTER TABLE "territory" ADD CONSTRAINT "territory_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "territory"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "school" ADD CONSTRAINT "school_district_id_fkey" FOREIGN KEY ("district_id") REFERENCES "territory"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catchment" ADD CONSTRAINT "catchment_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "school"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stage" ADD CONSTRAINT "stage_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quota" ADD CONSTRAINT "quota_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "school"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quota" ADD CONSTRAINT "quota_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- K-CORE-1: the seat counter can never go below zero nor above the quota, whatever the concurrency.
ALTER TABLE "quota" ADD CONSTRAINT "quota_taken_within_seats" CHECK ("taken" >= 0 AND "taken" <= "seats");
ALTER TABLE "quota" ADD CONSTRAINT "quota_class_size_positive" CHECK ("class_size" > 0);
ALTER TABLE "catchment" ADD CONSTRAINT "catchment_house_range" CHECK ("house_from" >= 0 AND "house_from" <= "house_to");
ALTER TABLE "stage" ADD CONSTRAINT "stage_opens_before_closes" CHECK ("opens_at" < "closes_at");
