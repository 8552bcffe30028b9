-- AlterTable
ALTER TABLE "inbound_update" ADD COLUMN     "lease_until" TIMESTAMPTZ(3),
ADD COLUMN     "quarantine" TEXT,
ADD COLUMN     "raw_payload" BYTEA;
