-- The playbook an incident was opened from, as JSON {"id", "locale", "vars"}: later updates, the
-- resolution and the apology start from the same wording, filled with the same vars. NULL for an
-- incident written from scratch and for maintenance windows.
ALTER TABLE incidents ADD COLUMN playbook TEXT;
