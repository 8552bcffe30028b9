-- AlterTable
ALTER TABLE "outbox_message" ALTER COLUMN "due_at" DROP NOT NULL,
ALTER COLUMN "due_at" DROP DEFAULT;
