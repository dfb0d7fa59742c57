-- Review flow safety and privacy (issue 11, issue 10 item 9).
-- PostgreSQL twin of sqlite/0005_review.sql.
-- Claims: a moderator (or the bot refreshing a card, claimed_by 0) claims an open flag with a
-- compare-and-set BEFORE any Discord action; the decision clears it, a failed action releases
-- it, and a claim older than a minute is stale (a crash mid-action cannot lock a flag).
ALTER TABLE moderation_flags ADD COLUMN claimed_by BIGINT;
ALTER TABLE moderation_flags ADD COLUMN claimed_at TEXT;
-- The author asked /mydata delete while the flag was open: the flag is kept as evidence and
-- anonymised as soon as a moderator decides (or at the retention limit, whichever is first).
ALTER TABLE moderation_flags ADD COLUMN erase_requested INTEGER NOT NULL DEFAULT 0;
-- Why the personal data of this flag was removed: NULL (kept), 'retention' or 'erased'.
ALTER TABLE moderation_flags ADD COLUMN redacted TEXT;
-- 1 once the card posted in the review channel shows the redacted flag too.
ALTER TABLE moderation_flags ADD COLUMN card_redacted INTEGER NOT NULL DEFAULT 0;
-- The card-redaction job reads only flags whose card still shows removed data.
CREATE INDEX moderation_flags_card_redaction ON moderation_flags (id)
    WHERE redacted IS NOT NULL AND card_message_id IS NOT NULL AND card_redacted = 0;
-- Retention reads flags not yet redacted, oldest first (replaces the content-only index).
DROP INDEX moderation_flags_created;
CREATE INDEX moderation_flags_unredacted ON moderation_flags (created_at) WHERE redacted IS NULL;
