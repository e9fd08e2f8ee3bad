-- A compacted line of the files' gaps log stands for several questions: its count, and the
-- places and servers (0: a DM) they were asked in, so `state migrate` keeps them both ways.
ALTER TABLE gaps
    ADD COLUMN count integer NOT NULL DEFAULT 1 CHECK (count >= 1),
    ADD COLUMN places text[] NOT NULL DEFAULT '{}',
    ADD COLUMN guilds bigint[] NOT NULL DEFAULT '{}';
