CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_entries" (
	"position" bigint PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"request_id" text,
	"source_address" text,
	"details" jsonb NOT NULL,
	"previous_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_failures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"source_address" text NOT NULL,
	"step" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"pending_totp_secret" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"user_agent" text,
	"source_address" text,
	CONSTRAINT "sessions_tokenHash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"fired_at" timestamp (3) with time zone,
	"cancelled_at" timestamp (3) with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" text NOT NULL,
	"totp_secret" text,
	"totp_enabled" boolean DEFAULT false NOT NULL,
	"totp_last_time_step" integer,
	"slack_user_id" text,
	"failed_login_count" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disabled_at" timestamp with time zone,
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "users_slackUserId_unique" UNIQUE("slack_user_id")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"labels" jsonb NOT NULL,
	"annotations" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone,
	"ends_at_is_timeout" boolean DEFAULT false NOT NULL,
	"generator_url" text,
	"source" text NOT NULL,
	"group_key" text NOT NULL,
	"incident_id" uuid,
	"silence_id" uuid,
	"resolved_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alerts_fingerprint_unique" UNIQUE("fingerprint")
);
--> statement-breakpoint
CREATE TABLE "silences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"matchers" jsonb NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"created_by" text NOT NULL,
	"comment" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breach_facts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"name" text NOT NULL,
	"value" jsonb,
	"note" text,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breach_incident_regimes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"regime_id" text NOT NULL,
	"definition" jsonb NOT NULL,
	"applied_by" text NOT NULL,
	"applied_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breach_notice_recipients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notice_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"public_token" text NOT NULL,
	"message_key" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breach_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"obligation_id" uuid NOT NULL,
	"language" text NOT NULL,
	"subject" text NOT NULL,
	"greeting" text NOT NULL,
	"sections" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"author_keys" text[] NOT NULL,
	"drafted_by" text NOT NULL,
	"approved_by_key" text,
	"approved_by" text,
	"approved_at" timestamp (3) with time zone,
	"sent_by" text,
	"sent_at" timestamp (3) with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breach_obligations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"incident_regime_id" uuid NOT NULL,
	"regime_id" text NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"recipient" text NOT NULL,
	"status" text NOT NULL,
	"not_applicable_reason" text,
	"not_applicable_by" text,
	"due_at" timestamp (3) with time zone,
	"clock_started_at" timestamp (3) with time zone,
	"basis" text,
	"effective_due_at" timestamp (3) with time zone,
	"suspended_until" timestamp (3) with time zone,
	"suspension_reason" text,
	"suspension_granted_by" text,
	"suspension_recorded_by" text,
	"submitted_at" timestamp (3) with time zone,
	"submitted_via" text,
	"submission_reference" text,
	"submitted_by" text,
	"delay_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breach_regimes" (
	"id" text PRIMARY KEY NOT NULL,
	"definition" jsonb NOT NULL,
	"source" text NOT NULL,
	"updated_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "breach_warnings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"obligation_id" uuid NOT NULL,
	"point" text NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"scheduled_for" timestamp (3) with time zone NOT NULL,
	"fired_at" timestamp (3) with time zone NOT NULL,
	"overdue" boolean NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "action_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"owner_name" text NOT NULL,
	"owner_user_id" uuid,
	"due_at" timestamp (3) with time zone,
	"status" text DEFAULT 'open' NOT NULL,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by_name" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "checklist_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"source" text NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"completed_by_name" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"role" text NOT NULL,
	"user_id" uuid,
	"name" text NOT NULL,
	"assigned_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"assigned_by_name" text NOT NULL,
	"released_at" timestamp (3) with time zone,
	"released_by_name" text
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" serial NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"severity" text NOT NULL,
	"phase" text DEFAULT 'preparation' NOT NULL,
	"source" text NOT NULL,
	"group_key" text,
	"services" text[] DEFAULT '{}'::text[] NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"is_breach" boolean DEFAULT false NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"detected_at" timestamp (3) with time zone NOT NULL,
	"acknowledged_at" timestamp (3) with time zone,
	"identified_at" timestamp (3) with time zone,
	"contained_at" timestamp (3) with time zone,
	"eradicated_at" timestamp (3) with time zone,
	"recovered_at" timestamp (3) with time zone,
	"resolved_at" timestamp (3) with time zone,
	"closed_at" timestamp (3) with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_number_unique" UNIQUE("number")
);
--> statement-breakpoint
CREATE TABLE "incident_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"author_key" text NOT NULL,
	"author_name" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "note_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"note_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"text" text NOT NULL,
	"edited_by_name" text NOT NULL,
	"edited_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "playbooks" (
	"scope" text PRIMARY KEY NOT NULL,
	"service" text,
	"checklists" jsonb NOT NULL,
	"runbook_url" text,
	"source" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_by_name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "root_cause_analyses" (
	"incident_id" uuid PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"impact" text DEFAULT '' NOT NULL,
	"timeline_excerpt" text DEFAULT '' NOT NULL,
	"root_causes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"contributing_factors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"five_whys" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lessons_learned" text DEFAULT '' NOT NULL,
	"author_key" text NOT NULL,
	"author_name" text NOT NULL,
	"contributor_keys" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"approved_at" timestamp (3) with time zone,
	"approved_by_key" text,
	"approved_by_name" text
);
--> statement-breakpoint
CREATE TABLE "timeline_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" uuid NOT NULL,
	"type" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "error_spans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trace_id" text NOT NULL,
	"span_id" text NOT NULL,
	"parent_span_id" text,
	"service" text NOT NULL,
	"span_name" text NOT NULL,
	"span_kind" smallint NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"duration_ms" double precision NOT NULL,
	"status_code" smallint NOT NULL,
	"status_message" text DEFAULT '' NOT NULL,
	"http_status" integer,
	"exception_type" text,
	"exception_message" text,
	"exception_stacktrace" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"resource" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_windows" (
	"service" text NOT NULL,
	"span_name" text NOT NULL,
	"span_kind" smallint NOT NULL,
	"window_start" timestamp (3) with time zone NOT NULL,
	"window_seconds" integer NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"latency_sum_ms" double precision NOT NULL,
	"latency_buckets" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	CONSTRAINT "service_windows_service_span_name_span_kind_window_start_pk" PRIMARY KEY("service","span_name","span_kind","window_start")
);
--> statement-breakpoint
CREATE TABLE "slos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service" text NOT NULL,
	"name" text NOT NULL,
	"indicator" text NOT NULL,
	"objective" double precision NOT NULL,
	"threshold_ms" double precision,
	"span_kind" text DEFAULT 'server' NOT NULL,
	"operation" text,
	"description" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"page_burning_since" timestamp (3) with time zone,
	"ticket_burning_since" timestamp (3) with time zone,
	"last_evaluated_at" timestamp (3) with time zone,
	"last_burn_rates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_escalations" (
	"incident_id" uuid NOT NULL,
	"route_key" text NOT NULL,
	"routing_keys" text[] NOT NULL,
	"level" integer DEFAULT 0 NOT NULL,
	"escalations" integer DEFAULT 0 NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"escalate_after_seconds" integer,
	"max_escalations" integer DEFAULT 0 NOT NULL,
	"incident" jsonb NOT NULL,
	"stopped" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incident_escalations_incident_id_route_key_pk" PRIMARY KEY("incident_id","route_key")
);
--> statement-breakpoint
CREATE TABLE "incident_pages" (
	"incident_id" uuid NOT NULL,
	"dedup_key" text NOT NULL,
	"routing_key" text NOT NULL,
	"triggered_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp (3) with time zone,
	CONSTRAINT "incident_pages_dedup_key_routing_key_pk" PRIMARY KEY("dedup_key","routing_key")
);
--> statement-breakpoint
CREATE TABLE "outbox_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sequence" bigserial NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"ordering_key" text,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp (3) with time zone,
	"claim_token" uuid,
	"last_error" text,
	"result" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp (3) with time zone,
	"dead_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"severities" text[] DEFAULT '{}'::text[] NOT NULL,
	"services" text[] DEFAULT '{}'::text[] NOT NULL,
	"slack_incident_channel" boolean DEFAULT true NOT NULL,
	"slack_invitees" text[] DEFAULT '{}'::text[] NOT NULL,
	"slack_broadcast_channel" text,
	"pagerduty_routing_key" text,
	"escalation_routing_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"escalate_after_seconds" integer,
	"max_escalations" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_rules_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "slack_incident_channels" (
	"incident_id" uuid PRIMARY KEY NOT NULL,
	"channel_id" text,
	"channel_name" text,
	"summary_ts" text,
	"invited" text[] DEFAULT '{}'::text[] NOT NULL,
	"broadcasts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slack_pinned_messages" (
	"channel_id" text NOT NULL,
	"message_ts" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slack_pinned_messages_channel_id_message_ts_pk" PRIMARY KEY("channel_id","message_ts")
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_facts" ADD CONSTRAINT "breach_facts_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_incident_regimes" ADD CONSTRAINT "breach_incident_regimes_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notice_recipients" ADD CONSTRAINT "breach_notice_recipients_notice_id_breach_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."breach_notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notices" ADD CONSTRAINT "breach_notices_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_notices" ADD CONSTRAINT "breach_notices_obligation_id_breach_obligations_id_fk" FOREIGN KEY ("obligation_id") REFERENCES "public"."breach_obligations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_obligations" ADD CONSTRAINT "breach_obligations_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_obligations" ADD CONSTRAINT "breach_obligations_incident_regime_id_breach_incident_regimes_id_fk" FOREIGN KEY ("incident_regime_id") REFERENCES "public"."breach_incident_regimes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "breach_warnings" ADD CONSTRAINT "breach_warnings_obligation_id_breach_obligations_id_fk" FOREIGN KEY ("obligation_id") REFERENCES "public"."breach_obligations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_roles" ADD CONSTRAINT "incident_roles_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_notes" ADD CONSTRAINT "incident_notes_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_revisions" ADD CONSTRAINT "note_revisions_note_id_incident_notes_id_fk" FOREIGN KEY ("note_id") REFERENCES "public"."incident_notes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "root_cause_analyses" ADD CONSTRAINT "root_cause_analyses_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_role_idx" ON "api_tokens" USING btree ("role","revoked_at");--> statement-breakpoint
CREATE INDEX "audit_entries_target_idx" ON "audit_entries" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "audit_entries_actor_idx" ON "audit_entries" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "login_failures_source_idx" ON "login_failures" USING btree ("source_address","at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "timers_kind_key_idx" ON "timers" USING btree ("kind","key");--> statement-breakpoint
CREATE INDEX "timers_pending_due_idx" ON "timers" USING btree ("due_at") WHERE fired_at is null and cancelled_at is null;--> statement-breakpoint
CREATE INDEX "alerts_incident_idx" ON "alerts" USING btree ("incident_id","status");--> statement-breakpoint
CREATE INDEX "alerts_firing_idx" ON "alerts" USING btree ("id") WHERE status = 'firing';--> statement-breakpoint
CREATE INDEX "alerts_labels_idx" ON "alerts" USING gin ("labels" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "silences_ends_idx" ON "silences" USING btree ("ends_at");--> statement-breakpoint
CREATE INDEX "breach_facts_incident_idx" ON "breach_facts" USING btree ("incident_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "breach_incident_regimes_incident_regime_idx" ON "breach_incident_regimes" USING btree ("incident_id","regime_id");--> statement-breakpoint
CREATE UNIQUE INDEX "breach_notice_recipients_token_idx" ON "breach_notice_recipients" USING btree ("public_token");--> statement-breakpoint
CREATE INDEX "breach_notice_recipients_notice_idx" ON "breach_notice_recipients" USING btree ("notice_id");--> statement-breakpoint
CREATE INDEX "breach_notices_incident_idx" ON "breach_notices" USING btree ("incident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "breach_obligations_regime_key_idx" ON "breach_obligations" USING btree ("incident_regime_id","key");--> statement-breakpoint
CREATE INDEX "breach_obligations_incident_idx" ON "breach_obligations" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "breach_obligations_open_due_idx" ON "breach_obligations" USING btree ("effective_due_at") WHERE status in ('assessing', 'applicable');--> statement-breakpoint
CREATE UNIQUE INDEX "breach_warnings_once_idx" ON "breach_warnings" USING btree ("obligation_id","due_at","point");--> statement-breakpoint
CREATE INDEX "action_items_incident_idx" ON "action_items" USING btree ("incident_id","created_at");--> statement-breakpoint
CREATE INDEX "action_items_pending_due_idx" ON "action_items" USING btree ("due_at") WHERE status in ('open', 'in_progress');--> statement-breakpoint
CREATE INDEX "checklist_items_incident_idx" ON "checklist_items" USING btree ("incident_id","phase","position");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_roles_single_holder_idx" ON "incident_roles" USING btree ("incident_id","role") WHERE released_at is null and role <> 'responder';--> statement-breakpoint
CREATE INDEX "incident_roles_current_idx" ON "incident_roles" USING btree ("incident_id") WHERE released_at is null;--> statement-breakpoint
CREATE INDEX "incidents_open_group_key_idx" ON "incidents" USING btree ("group_key") WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX "incidents_created_idx" ON "incidents" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "incidents_phase_severity_idx" ON "incidents" USING btree ("phase","severity") WHERE closed_at is null;--> statement-breakpoint
CREATE INDEX "incident_notes_incident_idx" ON "incident_notes" USING btree ("incident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "note_revisions_note_revision_idx" ON "note_revisions" USING btree ("note_id","revision");--> statement-breakpoint
CREATE INDEX "timeline_events_incident_idx" ON "timeline_events" USING btree ("incident_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "error_spans_trace_span_idx" ON "error_spans" USING btree ("trace_id","span_id");--> statement-breakpoint
CREATE INDEX "error_spans_service_time_idx" ON "error_spans" USING btree ("service","started_at");--> statement-breakpoint
CREATE INDEX "error_spans_received_idx" ON "error_spans" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "service_windows_service_time_idx" ON "service_windows" USING btree ("service","window_start");--> statement-breakpoint
CREATE INDEX "service_windows_time_idx" ON "service_windows" USING btree ("window_start");--> statement-breakpoint
CREATE UNIQUE INDEX "slos_service_name_idx" ON "slos" USING btree ("service","name");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_messages_idempotency_key_idx" ON "outbox_messages" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "outbox_messages_due_idx" ON "outbox_messages" USING btree ("next_attempt_at","sequence") WHERE status in ('pending', 'failed');--> statement-breakpoint
CREATE INDEX "outbox_messages_ordering_idx" ON "outbox_messages" USING btree ("ordering_key","sequence") WHERE status <> 'delivered';--> statement-breakpoint
CREATE INDEX "outbox_messages_status_created_idx" ON "outbox_messages" USING btree ("status","created_at" DESC NULLS LAST);