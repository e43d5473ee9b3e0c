-- A kept draft's uploads (issue 20, "no draft is ever lost"): the files a
-- post sent while gated carried stay with the person's draft, kept from the
-- daily clean-up of uploads no post took (media_expire) as a scheduled
-- post's are, and are offered back with it. Set by draft_save_cmd, cleared
-- when the draft is posted, replaced or discarded (then the clean-up takes
-- them as any other upload no post took). Holds the draft's user id.
ALTER TABLE media ADD COLUMN draft_of INTEGER;
CREATE INDEX media_draft ON media (draft_of) WHERE draft_of IS NOT NULL;
