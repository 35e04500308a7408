CREATE TABLE "audit_prune_anchors" (
	"pruned_through" bigint PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"entries" bigint NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "alerts_resolved_idx" ON "alerts" USING btree ("resolved_at") WHERE status = 'resolved';