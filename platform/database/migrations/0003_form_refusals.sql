CREATE TABLE "form_refusals" (
	"session_token_hash" text PRIMARY KEY NOT NULL,
	"path" text NOT NULL,
	"form" text NOT NULL,
	"values" jsonb NOT NULL,
	"message" text NOT NULL,
	"field_errors" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
