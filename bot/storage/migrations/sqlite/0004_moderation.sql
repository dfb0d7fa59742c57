-- Moderation: flags raised by the detector or by member reports, moderators' decisions, and
-- each server's learned rules. Flagged message text is purged after the retention period
-- (content set to NULL); the rest stays for /modstats.
CREATE TABLE moderation_flags (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    message_id      INTEGER NOT NULL,
    author_id       INTEGER NOT NULL,
    author_name     TEXT    NOT NULL DEFAULT '',
    author_joined_at TEXT,                         -- when they joined the server, if known
    content         TEXT,                          -- NULL once purged or erased
    score           REAL    NOT NULL DEFAULT 0,
    reasons         TEXT    NOT NULL DEFAULT '[]', -- JSON list of {signal, reason, weight, matched}
    source          TEXT    NOT NULL CHECK (source IN ('detector', 'report')),
    report_count    INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'deleted', 'dismissed', 'timed_out', 'banned',
                                      'restored')),
    hidden          INTEGER NOT NULL DEFAULT 0,    -- auto-hidden (deleted at once) by the bot
    card_channel_id INTEGER,
    card_message_id INTEGER,
    created_at      TEXT    NOT NULL,
    closed_at       TEXT,
    closed_by       INTEGER,
    close_detail    TEXT,
    UNIQUE (guild_id, message_id)
);
CREATE INDEX moderation_flags_open ON moderation_flags (guild_id, status, created_at);
CREATE INDEX moderation_flags_author ON moderation_flags (author_id);
CREATE INDEX moderation_flags_created ON moderation_flags (created_at) WHERE content IS NOT NULL;

CREATE TABLE moderation_reports (
    flag_id     INTEGER NOT NULL REFERENCES moderation_flags (id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (flag_id, reporter_id)
);
CREATE INDEX moderation_reports_reporter ON moderation_reports (reporter_id);

CREATE TABLE moderation_decisions (
    id           INTEGER PRIMARY KEY,
    flag_id      INTEGER NOT NULL REFERENCES moderation_flags (id) ON DELETE CASCADE,
    guild_id     INTEGER NOT NULL,
    moderator_id INTEGER NOT NULL,
    action       TEXT    NOT NULL,
    detail       TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL
);
CREATE INDEX moderation_decisions_guild ON moderation_decisions (guild_id, created_at);

CREATE TABLE moderation_guild_rules (
    guild_id INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('trusted_domain', 'trusted_phrase', 'flag_domain')),
    value    TEXT    NOT NULL,
    added_by INTEGER NOT NULL,
    added_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, kind, value)
) WITHOUT ROWID;
