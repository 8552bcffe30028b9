-- AlterTable
ALTER TABLE "outbox_message" ADD COLUMN     "claimed_at" TIMESTAMPTZ(3);
