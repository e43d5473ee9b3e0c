-- Direct conversations as Mastodon keeps them (its AccountConversation):
-- one row per person and per (thread, the other people in it), holding the
-- direct posts of that thread the person wrote or was mentioned in, which
-- of them is the last, and whether something arrived they have not read.
-- And the threads a person muted (Mastodon's conversation mutes): nobody
-- is notified of anything in a thread they muted.

-- Each post's thread (Mastodon's conversation_id): the thread of the post
-- it replies to, else its own id. Kept apart from posts and filled by a
-- trigger, so that a thread survives the deletion of a post in its middle
-- (in_reply_to_id is then NULL) and every path that writes a post (the
-- composer, the API, scheduled posts, the bridge) gets one.
CREATE TABLE post_threads (
	post_id		INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	thread_id	INTEGER NOT NULL
) STRICT;
INSERT INTO post_threads (post_id, thread_id)
    WITH RECURSIVE t (id, root) AS (
	SELECT id, id FROM posts WHERE in_reply_to_id IS NULL
	UNION ALL SELECT p.id, t.root FROM posts p JOIN t ON p.in_reply_to_id = t.id)
    SELECT id, root FROM t;
CREATE TRIGGER post_threads_insert AFTER INSERT ON posts BEGIN
	INSERT INTO post_threads (post_id, thread_id) VALUES (new.id,
	    coalesce((SELECT thread_id FROM post_threads WHERE
	    post_id = new.in_reply_to_id), new.id));
END;

-- participants: the other people's ids, ascending, comma-separated ("" for
-- a note to oneself), so that (user, thread, participants) is one key.
CREATE TABLE conversations (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,	-- never reused: apps keep ids
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	thread_id	INTEGER NOT NULL,
	participants	TEXT NOT NULL,
	last_status_id	INTEGER NOT NULL,
	unread		INTEGER NOT NULL DEFAULT 0,
	UNIQUE (user_id, thread_id, participants)
) STRICT;
CREATE INDEX conversations_user ON conversations (user_id, last_status_id);

CREATE TABLE conversation_posts (
	conversation_id	INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	post_id		INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	PRIMARY KEY (conversation_id, post_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX conversation_posts_post ON conversation_posts (post_id);

-- A post leaving a conversation (deleted, or its mention of the person
-- edited away, or its author's account removed): the conversation's last
-- post is the newest left, and a conversation with none left is gone.
CREATE TRIGGER conversation_posts_delete AFTER DELETE ON conversation_posts BEGIN
	DELETE FROM conversations WHERE id = old.conversation_id AND NOT EXISTS
	    (SELECT 1 FROM conversation_posts WHERE
	    conversation_id = old.conversation_id);
	UPDATE conversations SET last_status_id = (SELECT max(post_id) FROM
	    conversation_posts WHERE conversation_id = old.conversation_id)
	    WHERE id = old.conversation_id AND last_status_id = old.post_id;
END;

-- Threads muted: thread_id as post_threads has it.
CREATE TABLE thread_mutes (
	user_id		INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	thread_id	INTEGER NOT NULL,
	created_at	INTEGER NOT NULL,
	PRIMARY KEY (user_id, thread_id)
) STRICT, WITHOUT ROWID;
