-- CreateTable
CREATE TABLE "schedule_tick" (
    "name" TEXT NOT NULL,
    "last_run_at" TIMESTAMPTZ(6) NOT NULL,
    "owner" TEXT NOT NULL,

    CONSTRAINT "schedule_tick_pkey" PRIMARY KEY ("name")
);
