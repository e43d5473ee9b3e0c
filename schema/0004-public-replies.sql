-- replies_count counts only public and unlisted replies, as Mastodon does:
-- a followers-only or direct reply to a public post must not show itself,
-- as a number, to people who cannot read it. Recount the posts that have
-- replies (through the reply index, not a scan per post).
UPDATE posts SET replies_count = (SELECT count(*) FROM posts r
    WHERE r.in_reply_to_id = posts.id AND r.visibility <= 1)
WHERE id IN (SELECT in_reply_to_id FROM posts
    WHERE in_reply_to_id IS NOT NULL);
