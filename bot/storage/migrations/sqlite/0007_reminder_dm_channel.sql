-- Reminders: the member's DM channel with the bot, learnt from the first reminder, so each later
-- reminder is one request (send) instead of two (open the DM, send). Member data: exported and
-- erased with the rest of the streak settings, and cleared when reminders are turned off.
ALTER TABLE streak_members ADD COLUMN dm_channel_id INTEGER;
