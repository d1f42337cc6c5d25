ALTER TABLE "accounts" ADD COLUMN "affiliated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "affiliate_domains" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "credit_for_professions_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "affiliates_only" boolean DEFAULT false NOT NULL;