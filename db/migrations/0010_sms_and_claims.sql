CREATE TABLE "phone_pairings" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"method" text NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sms_opt_outs" (
	"organization_id" uuid NOT NULL,
	"phone" text NOT NULL,
	"keyword" text NOT NULL,
	"opted_out_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sms_opt_outs_organization_id_phone_pk" PRIMARY KEY("organization_id","phone")
);
--> statement-breakpoint
CREATE TABLE "texts_received" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"message_sid" text NOT NULL,
	"from" text NOT NULL,
	"to" text NOT NULL,
	"body" text NOT NULL,
	"outcome" text NOT NULL,
	"reply" text NOT NULL,
	"account_id" uuid,
	"session_id" uuid,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "texts_received_messageSid_unique" UNIQUE("message_sid")
);
--> statement-breakpoint
CREATE TABLE "texts_sent" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"kind" text NOT NULL,
	"to" text NOT NULL,
	"from" text NOT NULL,
	"body" text NOT NULL,
	"transport" text NOT NULL,
	"provider_id" text,
	"status" text NOT NULL,
	"error" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "texts_sent_idempotencyKey_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
ALTER TABLE "sms_log" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "sms_log" CASCADE;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "organization_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "recorded_by_id" uuid;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "lifecycle_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "credit_recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "twilio_account_sid" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "twilio_auth_token" text;--> statement-breakpoint
ALTER TABLE "phone_pairings" ADD CONSTRAINT "phone_pairings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_pairings" ADD CONSTRAINT "phone_pairings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_opt_outs" ADD CONSTRAINT "sms_opt_outs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "texts_received" ADD CONSTRAINT "texts_received_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "texts_received" ADD CONSTRAINT "texts_received_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "texts_received" ADD CONSTRAINT "texts_received_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "texts_sent" ADD CONSTRAINT "texts_sent_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "phone_pairings_phone" ON "phone_pairings" USING btree ("organization_id","phone","created_at");--> statement-breakpoint
CREATE INDEX "phone_pairings_account" ON "phone_pairings" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "texts_received_org_from" ON "texts_received" USING btree ("organization_id","from","received_at");--> statement-breakpoint
CREATE INDEX "texts_sent_org_to" ON "texts_sent" USING btree ("organization_id","to","created_at");--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_recorded_by_id_accounts_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_org_paired_mobile" ON "accounts" USING btree ("organization_id","mobile") WHERE "accounts"."sms_paired_at" is not null;--> statement-breakpoint
CREATE INDEX "claims_account_claimed" ON "claims" USING btree ("account_id","claimed_at");--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_smsNumber_unique" UNIQUE("sms_number");