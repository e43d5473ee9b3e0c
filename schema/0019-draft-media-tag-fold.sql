-- A kept draft's uploads (issue 20, "no draft is ever lost"): the files a
-- post sent while gated carried stay with the person's draft, kept from the
-- daily clean-up of uploads no post took (media_expire) as a scheduled
-- post's are, and are offered back with it. Set by draft_save_cmd, cleared
-- when the draft is posted, replaced or discarded (then the clean-up takes
-- them as any other upload no post took). Holds the draft's user id.
ALTER TABLE media ADD COLUMN draft_of INTEGER;
CREATE INDEX media_draft ON media (draft_of) WHERE draft_of IS NOT NULL;

-- Replies not everyone who reads a post may read (followers-only and
-- direct ones; a reply is always in its parent's group), counted beside
-- replies_count (which counts only the others, as Mastodon does). A card
-- shows the reply count its reader may see: replies_count while this is 0,
-- the cheap and usual case, else the replies counted for that reader
-- (post_peek). Kept by the triggers, whichever path writes a reply.
ALTER TABLE posts ADD COLUMN replies_hidden INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET replies_hidden = (SELECT count(*) FROM posts r
    WHERE r.in_reply_to_id = posts.id AND r.visibility > 1)
WHERE id IN (SELECT in_reply_to_id FROM posts
    WHERE in_reply_to_id IS NOT NULL AND visibility > 1);
CREATE TRIGGER posts_replies_hidden_add AFTER INSERT ON posts
WHEN NEW.in_reply_to_id IS NOT NULL AND NEW.visibility > 1 BEGIN
	UPDATE posts SET replies_hidden = replies_hidden + 1
	    WHERE id = NEW.in_reply_to_id;
END;
CREATE TRIGGER posts_replies_hidden_drop AFTER DELETE ON posts
WHEN OLD.in_reply_to_id IS NOT NULL AND OLD.visibility > 1 BEGIN
	UPDATE posts SET replies_hidden = max(replies_hidden - 1, 0)
	    WHERE id = OLD.in_reply_to_id;
END;

-- Hashtags found the way people type them (docs/search.md): "#zespol"
-- finds posts tagged "#zespół", "#uberstunden" those tagged
-- "#Überstunden". folded is the name folded as core/lib/fold.c folds search
-- text (hearth_fold, the same C, registered on every connection); tag
-- streams and tag search match on it, and the tag is still shown as written.
ALTER TABLE tags ADD COLUMN folded TEXT NOT NULL DEFAULT '';
UPDATE tags SET folded = hearth_fold(name);
CREATE INDEX tags_folded ON tags (folded);

-- The emoji of a reaction's notification (type pleroma:emoji_reaction, as
-- Pleroma and Akkoma call it, with their "emoji" field); NULL for others.
ALTER TABLE notifications ADD COLUMN emoji TEXT;
