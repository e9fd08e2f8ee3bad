-- camerabot's run-time state: the history, the change journal, unanswered questions, votes,
-- per-server settings and named values. Applied once, at start-up, by bot.state.postgres.migrations.
CREATE TABLE audit (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    checkout text NOT NULL,
    record_id text NOT NULL,
    entry jsonb NOT NULL
);
CREATE INDEX audit_record ON audit (record_id, seq);

-- One change under way per knowledge checkout (host and directory): written before its files.
CREATE TABLE journal (
    checkout text PRIMARY KEY,
    entry jsonb NOT NULL
);

CREATE TABLE gaps (
    seq bigserial PRIMARY KEY,
    key text NOT NULL,
    question text NOT NULL,
    at text NOT NULL,
    place text NOT NULL DEFAULT '',
    user_id bigint,
    guild_id bigint
);

CREATE TABLE votes (
    seq bigserial PRIMARY KEY,
    answer_id text NOT NULL,
    voter_id bigint NOT NULL,
    vote text NOT NULL,
    fact_id text NOT NULL,
    question text NOT NULL DEFAULT '',
    guild_id bigint,
    reason text NOT NULL DEFAULT '',
    at text NOT NULL DEFAULT ''
);
CREATE INDEX votes_answer_voter ON votes (answer_id, voter_id, seq);

CREATE TABLE server_settings (
    guild_id bigint PRIMARY KEY,
    settings jsonb NOT NULL
);

CREATE TABLE state_values (
    key text PRIMARY KEY,
    value jsonb NOT NULL
);
