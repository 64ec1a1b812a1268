-- The engine's decisions. Portable SQL (SQLite and PostgreSQL): ids made by the application, times in
-- epoch milliseconds, JSON kept as text.
CREATE TABLE journal (
    id TEXT PRIMARY KEY,
    app TEXT NOT NULL,
    persona_version INTEGER,
    decided_at BIGINT NOT NULL,
    code TEXT NOT NULL,
    outcome TEXT NOT NULL,
    rules TEXT NOT NULL,
    reason TEXT NOT NULL,
    changes TEXT,
    steps TEXT,
    expected TEXT,
    metrics_before TEXT,
    metrics_after TEXT,
    outcome_reason TEXT,
    finished_at BIGINT,
    repeats INTEGER NOT NULL,
    last_at BIGINT NOT NULL
);
CREATE INDEX journal_app_time ON journal (app, decided_at);
CREATE INDEX journal_time ON journal (decided_at);
CREATE INDEX journal_pending ON journal (outcome, app);
