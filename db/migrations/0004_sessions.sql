ALTER TABLE "audit_events" ADD COLUMN "series_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "session_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "time_zone" text NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "credits" numeric(4, 2) NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "notes" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "recurrence_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "recurrence" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "deactivated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "deactivated_by_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "created_by_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_deactivated_by_id_accounts_id_fk" FOREIGN KEY ("deactivated_by_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_created_by_id_accounts_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_events_series_created" ON "audit_events" USING btree ("series_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_events_session_created" ON "audit_events" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "sessions_series_starts" ON "sessions" USING btree ("series_id","starts_at");--> statement-breakpoint
CREATE INDEX "sessions_org_starts" ON "sessions" USING btree ("organization_id","starts_at");--> statement-breakpoint
CREATE INDEX "sessions_recurrence" ON "sessions" USING btree ("recurrence_id","starts_at");--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "status";--> statement-breakpoint
-- The audit trail is append-only: history that can be edited is not evidence.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
