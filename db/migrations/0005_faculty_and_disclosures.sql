CREATE TABLE "relationship_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"relationship_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"steps" text[] DEFAULT '{}'::text[] NOT NULL,
	"other_step" text DEFAULT '' NOT NULL,
	"rationale" text DEFAULT '' NOT NULL,
	"signature" text NOT NULL,
	"reviewer_id" uuid NOT NULL,
	"reviewed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "disclosure_relationships" DROP CONSTRAINT "disclosure_relationships_reviewed_by_id_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "disclosure_relationships" ADD COLUMN "nature_other" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "disclosure_relationships" ADD COLUMN "ended_on" text;--> statement-breakpoint
ALTER TABLE "disclosures" ADD COLUMN "organization_id" uuid NOT NULL;--> statement-breakpoint
ALTER TABLE "disclosures" ADD COLUMN "owner_or_employee" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "disclosures" ADD COLUMN "signature" text NOT NULL;--> statement-breakpoint
ALTER TABLE "session_faculty" ADD COLUMN "request_presentation" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "session_faculty" ADD COLUMN "added_by_id" uuid;--> statement-breakpoint
ALTER TABLE "session_faculty" ADD COLUMN "added_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "name_accepted_as" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "approved_basis" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "approved_by_id" uuid;--> statement-breakpoint
ALTER TABLE "relationship_reviews" ADD CONSTRAINT "relationship_reviews_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationship_reviews" ADD CONSTRAINT "relationship_reviews_relationship_id_disclosure_relationships_id_fk" FOREIGN KEY ("relationship_id") REFERENCES "public"."disclosure_relationships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationship_reviews" ADD CONSTRAINT "relationship_reviews_reviewer_id_accounts_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "relationship_reviews_session_relationship" ON "relationship_reviews" USING btree ("session_id","relationship_id");--> statement-breakpoint
ALTER TABLE "disclosures" ADD CONSTRAINT "disclosures_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_faculty" ADD CONSTRAINT "session_faculty_added_by_id_accounts_id_fk" FOREIGN KEY ("added_by_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_approved_by_id_accounts_id_fk" FOREIGN KEY ("approved_by_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disclosure_relationships_disclosure" ON "disclosure_relationships" USING btree ("disclosure_id");--> statement-breakpoint
CREATE INDEX "disclosures_account_submitted" ON "disclosures" USING btree ("account_id","submitted_at");--> statement-breakpoint
CREATE INDEX "session_faculty_account" ON "session_faculty" USING btree ("account_id");--> statement-breakpoint
ALTER TABLE "disclosure_relationships" DROP COLUMN "mitigation";--> statement-breakpoint
ALTER TABLE "disclosure_relationships" DROP COLUMN "mitigation_note";--> statement-breakpoint
ALTER TABLE "disclosure_relationships" DROP COLUMN "reviewed_by_id";--> statement-breakpoint
ALTER TABLE "disclosure_relationships" DROP COLUMN "reviewed_at";--> statement-breakpoint
ALTER TABLE "session_faculty" DROP COLUMN "coi_status";