ALTER TABLE "alerts" ADD COLUMN "flap_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "flap_window_start" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "last_change_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "flapping_since" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "flap_notified_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "alerts_flapping_idx" ON "alerts" USING btree ("last_change_at") WHERE flapping_since is not null;