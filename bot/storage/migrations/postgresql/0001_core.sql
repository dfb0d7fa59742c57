-- Foundation: key/value facts about the bot itself, and per-guild configuration.
-- PostgreSQL twin of sqlite/0001_core.sql: the same tables, columns and meaning.
CREATE TABLE bot_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE guild_config (
    guild_id   BIGINT NOT NULL,
    key        TEXT   NOT NULL,
    value      TEXT   NOT NULL,           -- JSON
    updated_by BIGINT,
    updated_at TEXT   NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    PRIMARY KEY (guild_id, key)
);

-- Other bot processes cache some tables in memory (server settings, the article catalogue):
-- a change to one of them is announced on the msbot_changes channel, with the writer's
-- application_name (unique per process) so the writer can ignore its own announcement.
CREATE FUNCTION msbot_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('msbot_changes', current_setting('application_name'));
    RETURN NULL;
END
$$;
CREATE TRIGGER guild_config_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON guild_config
    FOR EACH STATEMENT EXECUTE FUNCTION msbot_notify_change();
