CREATE TABLE "sso_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"code_verifier" text NOT NULL,
	"nonce" text NOT NULL,
	"next" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "sso_subject" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "sso_issuer" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "sso_client_id" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "sso_client_secret" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "sso_button_label" text;--> statement-breakpoint
ALTER TABLE "sso_requests" ADD CONSTRAINT "sso_requests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_org_sso_subject" ON "accounts" USING btree ("organization_id","sso_subject");--> statement-breakpoint
-- Owner and coordinator were once also account roles; series_roles alone says who runs a series.
DELETE FROM "account_roles" WHERE "role" IN ('coordinator', 'owner');
