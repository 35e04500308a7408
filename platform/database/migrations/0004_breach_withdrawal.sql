ALTER TABLE "breach_incident_regimes" ADD COLUMN "automatic" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "breach_incident_regimes" ADD COLUMN "withdrawn_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "breach_incident_regimes" ADD COLUMN "withdrawn_by" text;--> statement-breakpoint
ALTER TABLE "breach_incident_regimes" ADD COLUMN "withdrawal_reason" text;--> statement-breakpoint
ALTER TABLE "breach_obligations" ADD COLUMN "submission_note" text;