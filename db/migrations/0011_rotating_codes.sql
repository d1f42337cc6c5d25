ALTER TABLE "organizations" ADD COLUMN "rotating_code_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "rotating_code" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "rotating_code_previous" text;--> statement-breakpoint
CREATE INDEX "sessions_org_rotating_code" ON "sessions" USING btree ("organization_id","rotating_code");--> statement-breakpoint
CREATE INDEX "sessions_org_rotating_previous" ON "sessions" USING btree ("organization_id","rotating_code_previous");