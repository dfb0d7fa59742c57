-- Articles and ratings. Articles are soft-removed (removed_at) so ratings and feedback on a
-- removed article are kept and old rating buttons can say clearly what happened.
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY,
    slug          TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    takeaways     TEXT    NOT NULL DEFAULT '[]',   -- JSON list of strings
    tags          TEXT    NOT NULL DEFAULT '',     -- comma-separated, lower case
    sources       TEXT    NOT NULL DEFAULT '[]',   -- JSON list of strings
    last_reviewed TEXT,                            -- ISO date
    url           TEXT,
    origin        TEXT    NOT NULL,                -- file:<path> or feed:<url or file>
    content_hash  TEXT    NOT NULL,
    removed_at    TEXT,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX articles_origin ON articles (origin);

-- External-content FTS index kept in step by triggers; porter folds "exercising"/"exercise".
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, body, tags,
    content = 'articles', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Removed articles leave the index, so searches never need to join to filter them out.
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles WHEN new.removed_at IS NULL BEGIN
    INSERT INTO articles_fts (rowid, title, summary, body, tags)
    VALUES (new.id, new.title, new.summary, new.body, new.tags);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles WHEN old.removed_at IS NULL BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, tags)
    VALUES ('delete', old.id, old.title, old.summary, old.body, old.tags);
END;
-- One trigger, statements in order: two triggers would fire in an unspecified order, and
-- re-inserting before deleting corrupts an external-content index.
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, body, tags, removed_at
ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, summary, body, tags)
    SELECT 'delete', old.id, old.title, old.summary, old.body, old.tags
    WHERE old.removed_at IS NULL;
    INSERT INTO articles_fts (rowid, title, summary, body, tags)
    SELECT new.id, new.title, new.summary, new.body, new.tags
    WHERE new.removed_at IS NULL;
END;

-- One rating per member per article; re-rating replaces (UPSERT on the primary key).
CREATE TABLE article_ratings (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    rated_at   TEXT    NOT NULL,
    PRIMARY KEY (article_id, user_id)
) WITHOUT ROWID;
CREATE INDEX article_ratings_user ON article_ratings (user_id);

-- Running totals, maintained by triggers in the same transaction as the rating itself, so
-- /article top and every display read one row instead of aggregating all ratings.
CREATE TABLE article_rating_stats (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    count      INTEGER NOT NULL DEFAULT 0,
    total      INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER article_ratings_insert AFTER INSERT ON article_ratings BEGIN
    INSERT INTO article_rating_stats (article_id, count, total) VALUES (new.article_id, 1, new.stars)
    ON CONFLICT (article_id) DO UPDATE SET count = count + 1, total = total + new.stars;
END;
CREATE TRIGGER article_ratings_update AFTER UPDATE OF stars ON article_ratings BEGIN
    UPDATE article_rating_stats SET total = total - old.stars + new.stars
    WHERE article_id = new.article_id;
END;
CREATE TRIGGER article_ratings_delete AFTER DELETE ON article_ratings BEGIN
    UPDATE article_rating_stats SET count = count - 1, total = total - old.stars
    WHERE article_id = old.article_id;
END;

CREATE TABLE article_feedback (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    guild_id    INTEGER,
    user_id     INTEGER NOT NULL,
    stars       INTEGER NOT NULL,
    text        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    resolved_at TEXT,
    resolved_by INTEGER
);
CREATE INDEX article_feedback_open ON article_feedback (guild_id, resolved_at);
CREATE INDEX article_feedback_user ON article_feedback (user_id);
