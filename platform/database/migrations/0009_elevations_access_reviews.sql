CREATE TABLE "access_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reviewed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"reviewer_user_id" uuid,
	"reviewer_name" text NOT NULL,
	"period_since" timestamp (3) with time zone NOT NULL,
	"notes" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "elevations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"user_name" text NOT NULL,
	"from_role" text NOT NULL,
	"role" text NOT NULL,
	"reason" text NOT NULL,
	"minutes" integer NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp (3) with time zone,
	"decided_by_name" text,
	"decided_by_user_id" uuid,
	"decision_note" text,
	"self_approved" boolean DEFAULT false NOT NULL,
	"starts_at" timestamp (3) with time zone,
	"ends_at" timestamp (3) with time zone,
	"ended_at" timestamp (3) with time zone,
	"ended_by_name" text
);
--> statement-breakpoint
ALTER TABLE "elevations" ADD CONSTRAINT "elevations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_reviews_reviewed_at_idx" ON "access_reviews" USING btree ("reviewed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "elevations_one_open_idx" ON "elevations" USING btree ("user_id") WHERE status in ('pending', 'active');--> statement-breakpoint
CREATE INDEX "elevations_requested_at_idx" ON "elevations" USING btree ("requested_at");