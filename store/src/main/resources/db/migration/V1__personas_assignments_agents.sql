-- The repository's first schema. Written in the SQL that SQLite and PostgreSQL both accept: VARCHAR,
-- TEXT and BIGINT only, no serial or autoincrement (ids are made by the application, UUIDs as text),
-- no booleans, times as epoch milliseconds. The journal comes in a later migration.

-- One row, bumped by every write that others must hear of. The row lock it takes serializes those
-- writes, so revisions become visible in the order they were handed out: a reader that has seen
-- revision N can never later find an N-1 that was still uncommitted.
CREATE TABLE revision_counter (
    id    INTEGER PRIMARY KEY,
    value BIGINT  NOT NULL
);
INSERT INTO revision_counter (id, value) VALUES (1, 0);

-- Every version of every persona; a put or a rollback adds a row, nothing is updated or deleted.
CREATE TABLE persona_versions (
    id               VARCHAR(36) PRIMARY KEY,
    name             VARCHAR(63) NOT NULL,
    version          BIGINT      NOT NULL,
    document         TEXT        NOT NULL,
    created_at_ms    BIGINT      NOT NULL,
    revision         BIGINT      NOT NULL,
    rolled_back_from BIGINT,
    CONSTRAINT persona_versions_name_version UNIQUE (name, version)
);

-- Which persona applies on which node; the node runs the persona's latest version.
CREATE TABLE assignments (
    id            VARCHAR(36) PRIMARY KEY,
    persona       VARCHAR(63) NOT NULL,
    node          VARCHAR(63) NOT NULL,
    created_at_ms BIGINT      NOT NULL,
    revision      BIGINT      NOT NULL,
    CONSTRAINT assignments_persona_node UNIQUE (persona, node)
);
CREATE INDEX assignments_node ON assignments (node);

-- The last known state of each agent. Updated in place: its history is in the journal, not here.
CREATE TABLE agents (
    node              VARCHAR(63) PRIMARY KEY,
    id                VARCHAR(36) NOT NULL UNIQUE,
    hostname          VARCHAR(255),
    agent_version     VARCHAR(64),
    registered_at_ms  BIGINT      NOT NULL,
    last_seen_ms      BIGINT      NOT NULL,
    running           TEXT        NOT NULL,
    nack_persona      VARCHAR(63),
    nack_version      BIGINT,
    nack_reason       TEXT,
    nack_at_ms        BIGINT
);

-- The change feed: one row per revision, for replicas and agents' streams to catch up from.
CREATE TABLE changes (
    revision BIGINT      PRIMARY KEY,
    kind     VARCHAR(32) NOT NULL,
    persona  VARCHAR(63) NOT NULL,
    node     VARCHAR(63),
    version  BIGINT,
    at_ms    BIGINT      NOT NULL
);
