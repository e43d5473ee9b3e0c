-- 0025: colleagues to follow (welcome.c: the welcome checklist and the
-- side column) are the most followed people of one's department, or of
-- the company; these let that ranking walk an index and stop at a handful
-- instead of sorting everyone on every page.
CREATE INDEX users_dept_followers ON users (department COLLATE NOCASE,
    followers_count DESC, id);
CREATE INDEX users_followers ON users (followers_count DESC, id);
