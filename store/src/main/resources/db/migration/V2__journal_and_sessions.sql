-- The agents' journal (the adaptation engine's decisions, including not to act) and the agents' current
-- registration, which every replica must know: an agent may register through one replica and open its
-- stream through another.

ALTER TABLE agents ADD COLUMN session VARCHAR(36);

-- Entries are made by agents with ids of their own, so one resent after a reconnect is stored once. The
-- id is unique per node only: one agent can neither overwrite nor pre-empt another's entries.
CREATE TABLE journal (
    node           VARCHAR(63) NOT NULL,
    id             VARCHAR(64) NOT NULL,
    persona        VARCHAR(63) NOT NULL,
    version        BIGINT      NOT NULL,
    time_ms        BIGINT      NOT NULL,
    outcome        VARCHAR(16) NOT NULL,
    reason         TEXT        NOT NULL,
    details        TEXT        NOT NULL,
    received_at_ms BIGINT      NOT NULL,
    CONSTRAINT journal_node_id PRIMARY KEY (node, id)
);
CREATE INDEX journal_node_time ON journal (node, time_ms);
CREATE INDEX journal_persona_time ON journal (persona, time_ms);
