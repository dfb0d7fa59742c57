-- PostgreSQL twin of sqlite/0006_moderation_learning.sql.
-- Per-server learning from moderators' decisions (Delete/Ban/Timeout = spam, Dismiss/Restore =
-- genuine, and the "Teach" message menus). Least data: hashed features of the message (word
-- terms and rule keys, as 32-bit CRC numbers), never its text and never its author. One row per
-- message (a new decision on the same message re-labels it), keyed by a hash of its id.
CREATE TABLE moderation_learned_examples (
    guild_id   BIGINT  NOT NULL,
    example    TEXT    NOT NULL,                   -- hash of the message id
    spam       INTEGER NOT NULL CHECK (spam IN (0, 1)),
    features   TEXT    NOT NULL,                   -- JSON list of feature hashes
    source     TEXT    NOT NULL CHECK (source IN ('decision', 'teach')),
    created_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, example)
);
CREATE INDEX moderation_learned_examples_age ON moderation_learned_examples (guild_id, created_at);

-- When each server's learning began (its first example since the last reset), for /modstats.
CREATE TABLE moderation_learning (
    guild_id BIGINT  PRIMARY KEY,
    since    TEXT    NOT NULL
);
