ALTER TABLE "incident_escalations" ADD COLUMN "hold_reason" text;--> statement-breakpoint
ALTER TABLE "incident_escalations" ADD COLUMN "hold_window_seconds" integer;--> statement-breakpoint
ALTER TABLE "incident_escalations" ADD COLUMN "last_escalated_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "alerts_inhibited_idx" ON "alerts" USING btree ("inhibited_by") WHERE inhibited_by is not null;