-- recon_lines, cheaper to load (on PostgreSQL an import COPYs a file's lines straight into the
-- table when none of them is stored yet, import-direct.ts):

-- 1. No surrogate id: nothing references recon_lines.id, and a line's identity is its
--    (account, line key). That unique index becomes the primary key: one index and one nextval per
--    line less.
ALTER TABLE recon_lines DROP COLUMN id;
ALTER TABLE recon_lines
  DROP CONSTRAINT recon_lines_provider_account_id_line_key_key,
  ADD CONSTRAINT recon_lines_pkey PRIMARY KEY (provider_account_id, line_key);

-- 2. The statement-level reference check (0006) ran SELECT DISTINCT over the transition table: a
--    sort of every new row, on disk at a small work_mem (the direct COPY sets none, PGlite has
--    16 MB; with the merge's 320 MB on a server no difference was measurable). The same check as an
--    anti-join against recon_imports (small, hashed once) needs no sort.
CREATE OR REPLACE FUNCTION recon_lines_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM recon_lines_new n
    WHERE NOT EXISTS (SELECT 1 FROM recon_imports i WHERE i.id = n.import_id AND i.provider_account_id = n.provider_account_id)
  ) THEN
    RAISE EXCEPTION 'recon_lines: import_id and provider_account_id must name a recon_imports row'
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;
