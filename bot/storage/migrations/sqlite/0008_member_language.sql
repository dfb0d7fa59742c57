-- The member's language (a code such as 'es' or 'de', NULL for English), remembered from their
-- last streak command or button so a reminder DM, sent later without an interaction, is in it.
-- Member data: exported and erased with the rest of the streak settings.
ALTER TABLE streak_members ADD COLUMN language TEXT;
