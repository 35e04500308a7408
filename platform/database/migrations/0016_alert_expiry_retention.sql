ALTER TABLE "alerts" ADD COLUMN "expired_at" timestamp (3) with time zone;--> statement-breakpoint
-- Alerts expired before this migration: the expiry job's write was their last (it set updated_at).
UPDATE "alerts" SET "expired_at" = "updated_at" WHERE "status" = 'expired';--> statement-breakpoint
CREATE INDEX "alerts_expired_idx" ON "alerts" USING btree ("expired_at") WHERE status = 'expired';
