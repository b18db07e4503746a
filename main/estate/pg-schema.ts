// The PostgreSQL estate schema as numbered migrations (never edit one that has shipped; add the
// next). Entries are keyed by (series, sequence); the indexes are the ones the privacy officer's
// questions need: everything about one NHS number, one user, a time window, and the unreviewed
// accesses waiting for review.
export const pgMigrations: readonly string[] = [
  `CREATE TABLE estate_source (
     id serial PRIMARY KEY,
     workstation text NOT NULL,
     key_fingerprint text NOT NULL,
     public_key text NOT NULL,
     first_seen timestamptz NOT NULL DEFAULT now(),
     UNIQUE (workstation, key_fingerprint)
   );
   CREATE TABLE estate_bundle (
     id bigserial PRIMARY KEY,
     source_id integer NOT NULL REFERENCES estate_source (id),
     signature text NOT NULL UNIQUE,
     name text NOT NULL,
     entries integer NOT NULL,
     added integer NOT NULL,
     first_sequence bigint,
     last_sequence bigint,
     previous_hash text,
     chain_head text,
     created_at timestamptz NOT NULL,
     ingested_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX estate_bundle_source ON estate_bundle (source_id, first_sequence);
   CREATE TABLE estate_refusal (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL DEFAULT now(),
     bundle text NOT NULL,
     workstation text,
     key_fingerprint text,
     reason text NOT NULL
   );
   CREATE TABLE estate_entry (
     source_id integer NOT NULL,
     sequence bigint NOT NULL,
     at timestamptz NOT NULL,
     tz_offset text NOT NULL,
     type text NOT NULL,
     outcome text NOT NULL,
     user_uuid text,
     display_name text,
     role_profile_id text,
     job_role text,
     ods_code text,
     workstation text NOT NULL,
     asid text,
     nhs_number text,
     interaction_id text,
     message_id text,
     correlation_id text,
     access_reason text,
     access_reason_text text,
     detail text,
     prev_hash bytea NOT NULL,
     hash bytea NOT NULL,
     PRIMARY KEY (source_id, sequence)
   );
   CREATE INDEX estate_entry_nhs ON estate_entry (nhs_number, at DESC) WHERE nhs_number IS NOT NULL;
   CREATE INDEX estate_entry_user ON estate_entry (user_uuid, at DESC) WHERE user_uuid IS NOT NULL;
   CREATE INDEX estate_entry_at ON estate_entry (at DESC);
   CREATE INDEX estate_entry_to_review ON estate_entry (at DESC)
     WHERE access_reason IN ('emergency', 'legal') AND type IN ('scr.access', 'scr.access-decision');
   CREATE TABLE estate_review (
     source_id integer NOT NULL,
     sequence bigint NOT NULL,
     reviewed_at timestamptz NOT NULL,
     reviewer_uuid text NOT NULL,
     reviewer_name text NOT NULL,
     outcome text NOT NULL,
     note text NOT NULL,
     PRIMARY KEY (source_id, sequence)
   );
   CREATE TABLE estate_purge (
     id bigserial PRIMARY KEY,
     record jsonb NOT NULL
   );
   CREATE TABLE estate_search (
     id bigserial PRIMARY KEY,
     at timestamptz NOT NULL DEFAULT now(),
     searcher text NOT NULL,
     via text NOT NULL,
     filter jsonb NOT NULL,
     results integer NOT NULL
   );`,
  // 2: the "Access to review" queue holds what the workstation's queue holds (emergency, legal,
  // restricted record, outside opening hours), decided once per entry at ingest by the
  // workstation's own rule (audit/review.ts) and kept in review_reasons; the partial index moves
  // onto it. Backfilled: rows already held that the old queue held (emergency or legal access
  // decisions). Not backfilled: restricted-record and out-of-hours accesses already held; the
  // rule that decides them is the app's code with the administrator's opening hours, which a
  // SQL migration has neither of, so those rows stay out of the queue (re-ingesting their
  // bundles is a duplicate and changes nothing).
  `ALTER TABLE estate_entry ADD COLUMN review_reasons text;
   UPDATE estate_entry SET review_reasons = access_reason
     WHERE access_reason IN ('emergency', 'legal') AND type IN ('scr.access', 'scr.access-decision');
   DROP INDEX estate_entry_to_review;
   CREATE INDEX estate_entry_review_queue ON estate_entry (at DESC) WHERE review_reasons IS NOT NULL;`,
];
