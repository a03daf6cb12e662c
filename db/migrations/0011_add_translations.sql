-- Text written by people in more than one language. The default locale's text stays in the
-- existing columns (the Statuspage JSON and older clients read it unchanged); these hold the
-- other locales as JSON {"zh-CN": {"name": "…", "workaround": "…"}}, NULL when there are none.
ALTER TABLE incidents ADD COLUMN translations TEXT;
ALTER TABLE incident_updates ADD COLUMN translations TEXT;
ALTER TABLE postmortems ADD COLUMN translations TEXT;
