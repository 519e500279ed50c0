-- 0016: "has this user posted in this thread?" as one index lookup. The
-- notifier asks it for every tracker of a thread on every new post; with
-- only posts_thread, SQLite walked all posts of the thread per tracker. In
-- the soak run, a thread with 5,000 posts and 293 trackers made each post's
-- fan-out scan 1.5 million rows, the notifier held SQLite's one writer for
-- most of the time, and posts waited seconds for it.
CREATE INDEX posts_thread_author ON posts(thread_id, author_id);
