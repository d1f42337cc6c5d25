CREATE TABLE "credit_requirements" (
	"claim_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"evaluation_form_id" uuid,
	"evaluation_questions" jsonb,
	"post_test_id" uuid,
	"test_questions" jsonb,
	"passing_score" integer,
	"attempts_allowed" integer DEFAULT 0 NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"certificate" boolean NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"evaluation_completed_at" timestamp with time zone,
	"test_passed_at" timestamp with time zone,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"lapsed_at" timestamp with time zone,
	"reopened_at" timestamp with time zone,
	"reopened_by_id" uuid
);
--> statement-breakpoint
CREATE TABLE "evaluation_forms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"questions" jsonb NOT NULL,
	"standard" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evaluation_responses" (
	"claim_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"form_id" uuid,
	"answers" jsonb NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "external_credits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"title" text NOT NULL,
	"provider" text NOT NULL,
	"completed_on" date NOT NULL,
	"credit_type" text NOT NULL,
	"credits" numeric(5, 2) NOT NULL,
	"file_name" text,
	"file_kind" text,
	"file_size" integer,
	"file" "bytea",
	"added_by_id" uuid,
	"added_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "post_tests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"questions" jsonb NOT NULL,
	"passing_score" integer NOT NULL,
	"attempts_allowed" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "test_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"answers" jsonb NOT NULL,
	"score" integer NOT NULL,
	"passed" boolean NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "evaluations" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "evaluations" CASCADE;--> statement-breakpoint
-- Both were placeholders from the foundation, never written to: made anew below.
DROP TABLE "certificates" CASCADE;
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"claim_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"serial" text NOT NULL,
	"learner_name" text NOT NULL,
	"activity_name" text NOT NULL,
	"series_name" text NOT NULL,
	"activity_starts_at" timestamp with time zone NOT NULL,
	"activity_ends_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"credits" numeric(4, 2) NOT NULL,
	"credit_type" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"pdf" "bytea" NOT NULL,
	CONSTRAINT "certificates_claimId_unique" UNIQUE("claim_id"),
	CONSTRAINT "certificates_serial_unique" UNIQUE("serial")
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "evaluation_due_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "certificates_for_sessions" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "certificate_signer" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "credit_type" text DEFAULT 'AMA PRA Category 1 Credit™' NOT NULL;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "evaluation_form_id" uuid;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "post_test_id" uuid;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "evaluation_due_days" integer;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "certificate_policy" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "evaluation_form_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "post_test_id" uuid;--> statement-breakpoint
ALTER TABLE "credit_requirements" ADD CONSTRAINT "credit_requirements_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_requirements" ADD CONSTRAINT "credit_requirements_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_requirements" ADD CONSTRAINT "credit_requirements_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_requirements" ADD CONSTRAINT "credit_requirements_evaluation_form_id_evaluation_forms_id_fk" FOREIGN KEY ("evaluation_form_id") REFERENCES "public"."evaluation_forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_requirements" ADD CONSTRAINT "credit_requirements_post_test_id_post_tests_id_fk" FOREIGN KEY ("post_test_id") REFERENCES "public"."post_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_requirements" ADD CONSTRAINT "credit_requirements_reopened_by_id_accounts_id_fk" FOREIGN KEY ("reopened_by_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_forms" ADD CONSTRAINT "evaluation_forms_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_responses" ADD CONSTRAINT "evaluation_responses_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_responses" ADD CONSTRAINT "evaluation_responses_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_responses" ADD CONSTRAINT "evaluation_responses_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_responses" ADD CONSTRAINT "evaluation_responses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_responses" ADD CONSTRAINT "evaluation_responses_form_id_evaluation_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."evaluation_forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_credits" ADD CONSTRAINT "external_credits_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_credits" ADD CONSTRAINT "external_credits_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_credits" ADD CONSTRAINT "external_credits_added_by_id_accounts_id_fk" FOREIGN KEY ("added_by_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_tests" ADD CONSTRAINT "post_tests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "test_attempts" ADD CONSTRAINT "test_attempts_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "test_attempts" ADD CONSTRAINT "test_attempts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_requirements_account" ON "credit_requirements" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_forms_organization_name" ON "evaluation_forms" USING btree ("organization_id","name");--> statement-breakpoint
CREATE INDEX "evaluation_responses_session" ON "evaluation_responses" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "external_credits_account" ON "external_credits" USING btree ("account_id","completed_on");--> statement-breakpoint
CREATE UNIQUE INDEX "post_tests_organization_name" ON "post_tests" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "test_attempts_claim_number" ON "test_attempts" USING btree ("claim_id","number");--> statement-breakpoint
CREATE INDEX "test_attempts_organization" ON "test_attempts" USING btree ("organization_id");--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "series" ADD CONSTRAINT "series_evaluation_form_id_evaluation_forms_id_fk" FOREIGN KEY ("evaluation_form_id") REFERENCES "public"."evaluation_forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "series" ADD CONSTRAINT "series_post_test_id_post_tests_id_fk" FOREIGN KEY ("post_test_id") REFERENCES "public"."post_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_evaluation_form_id_evaluation_forms_id_fk" FOREIGN KEY ("evaluation_form_id") REFERENCES "public"."evaluation_forms"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_post_test_id_post_tests_id_fk" FOREIGN KEY ("post_test_id") REFERENCES "public"."post_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "certificates_account" ON "certificates" USING btree ("account_id","issued_at");--> statement-breakpoint
-- Every organization starts with the standard CME evaluation (server/evaluation-forms.ts, STANDARD_EVALUATION).
INSERT INTO "evaluation_forms" ("organization_id", "name", "questions", "standard")
SELECT "id", 'Standard CME evaluation', '[{"id":"objectives","prompt":"The session met its stated learning objectives.","kind":"rating","required":true,"choices":["Strongly disagree","Disagree","Neutral","Agree","Strongly agree"]},{"id":"bias","prompt":"The content was free of commercial bias.","kind":"single","required":true,"choices":["Yes","No"]},{"id":"practice","prompt":"Will you change your practice as a result of this session?","kind":"single","required":true,"choices":["Yes, I will change my practice","No, it confirmed my current practice","No, it did not apply to my practice"]},{"id":"change","prompt":"If you will change your practice, how?","kind":"text","required":false,"choices":[]},{"id":"comments","prompt":"Comments, including any bias you noticed and topics you would like in future sessions.","kind":"text","required":false,"choices":[]}]'::jsonb, true FROM "organizations";
