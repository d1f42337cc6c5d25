CREATE TABLE "escalation_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"status_at_opening" text NOT NULL,
	"reasons" text[] NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by_id" uuid,
	"closed_because" text
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "disclosure_reminder_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "disclosure_lapse_reminder_days" integer[] DEFAULT '{30,7}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "escalation_tickets" ADD CONSTRAINT "escalation_tickets_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_tickets" ADD CONSTRAINT "escalation_tickets_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_tickets" ADD CONSTRAINT "escalation_tickets_closed_by_id_accounts_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "escalation_tickets_session" ON "escalation_tickets" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "escalation_tickets_open" ON "escalation_tickets" USING btree ("organization_id","closed_at");