-- AlterTable
ALTER TABLE "campaign" ADD COLUMN     "offer_working_days" INTEGER NOT NULL DEFAULT 5;

-- Hand-written (not expressible in schema.prisma): a late offer gets at least one working day and at
-- most a school month (decision 0009).
ALTER TABLE "campaign" ADD CONSTRAINT "campaign_offer_working_days_range" CHECK ("offer_working_days" BETWEEN 1 AND 20);
