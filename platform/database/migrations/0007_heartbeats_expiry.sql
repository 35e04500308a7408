CREATE TABLE "heartbeats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"matchers" jsonb NOT NULL,
	"source" text,
	"interval_seconds" integer NOT NULL,
	"grace_seconds" integer NOT NULL,
	"severity" text NOT NULL,
	"origin" text DEFAULT 'api' NOT NULL,
	"last_heard_at" timestamp (3) with time zone,
	"incident_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "heartbeats_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "heartbeats" ADD CONSTRAINT "heartbeats_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;