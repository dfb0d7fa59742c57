-- Streaks: opt-in exercise check-ins. Days are the member's local ISO dates (see bot/streaks/rules.py).
CREATE TABLE streak_members (
    user_id          INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,            -- server they joined from (board, milestones)
    zone             TEXT    NOT NULL,            -- IANA time zone
    day_end_hour     INTEGER NOT NULL DEFAULT 0 CHECK (day_end_hour BETWEEN 0 AND 4),
    public           INTEGER NOT NULL DEFAULT 0,
    reminder_time    TEXT,                        -- local 'HH:MM', NULL = no reminders
    next_reminder_at INTEGER,                     -- UTC epoch seconds of the next reminder
    notice           TEXT,                        -- shown on the member's next command
    active           INTEGER NOT NULL DEFAULT 1,  -- 0 after /streak leave (history kept)
    joined_at        TEXT    NOT NULL
);
-- The scheduler's "due" query reads only members with a reminder, in time order.
CREATE INDEX streak_members_due ON streak_members (next_reminder_at)
    WHERE next_reminder_at IS NOT NULL;
CREATE INDEX streak_members_guild ON streak_members (guild_id, public);

-- One row per member and local day: what the streak rules read.
CREATE TABLE streak_days (
    user_id     INTEGER NOT NULL REFERENCES streak_members (user_id) ON DELETE CASCADE,
    day         TEXT    NOT NULL,                 -- local ISO date
    checkins    INTEGER NOT NULL DEFAULT 0,
    minutes     INTEGER NOT NULL DEFAULT 0,
    rest_reason TEXT,                             -- NOT NULL = declared rest day
    PRIMARY KEY (user_id, day)
) WITHOUT ROWID;
CREATE INDEX streak_days_day ON streak_days (day);

-- The check-in log itself (history and export).
CREATE TABLE streak_checkins (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES streak_members (user_id) ON DELETE CASCADE,
    day        TEXT    NOT NULL,
    minutes    INTEGER,
    activity   TEXT,
    note       TEXT,
    created_at TEXT    NOT NULL
);
CREATE INDEX streak_checkins_user ON streak_checkins (user_id, day);

CREATE TABLE streak_pauses (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES streak_members (user_id) ON DELETE CASCADE,
    start_day TEXT    NOT NULL,
    end_day   TEXT    NOT NULL,                   -- inclusive
    reason    TEXT    NOT NULL DEFAULT 'pause'    -- 'pause' or 'travel' (zone change skipped days)
);
CREATE INDEX streak_pauses_user ON streak_pauses (user_id, end_day);

-- Which weekly summary each server last received (claimed atomically, posted once).
CREATE TABLE streak_guild_state (
    guild_id            INTEGER PRIMARY KEY,
    last_summary_week   TEXT
);
