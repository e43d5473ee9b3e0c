/*
 * epoch.c: when what a page shows about a person may have changed. Every
 * page shows the unread-notification count, and counting means checking
 * each unread notification against the visibility rule (~6M instructions
 * for someone with a thousand unread); the home page's composer lists the
 * person's groups. Both are remembered per connection (db_memo) under a
 * version made of two epochs: the person's own, bumped when a notification
 * for them is added or removed, their marker moves or their group
 * memberships change; and a global one, bumped by the rare changes that
 * can hide notifications' posts from anyone (a post deleted, an unfollow,
 * leaving a group, a person disabled). An epoch moves only after the
 * change is committed (epoch_touch registers the bump with db_after_commit;
 * a rolled-back touch is bumped at the thread's next commit, a spurious
 * recount that costs little), so a reader that sees the
 * old epoch may hold an old answer a moment longer, never a wrong one for
 * good; and an answer is remembered only if no commit happened since the
 * reader's snapshot began (db_read_current), since its version is read
 * after that. Epochs are per slot (person id modulo the table size): two people
 * sharing a slot only cost each other a recount. Writes from another
 * process (hearthctl) move the global epoch (epoch_sync).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "store.h"

#define EPOCHS		65536
#define PENDING_MAX	64

static _Atomic uint32_t	 epochs[EPOCHS];
static _Atomic uint32_t	 global_epoch = 1;

/* Changes made inside the current transaction on this thread. */
static __thread int64_t	 pending[PENDING_MAX];
static __thread size_t	 npending;
static __thread int	 pending_all;

/* The version of user's count: changes whenever it may have. */
int64_t
epoch_person(int64_t user)
{
	return (int64_t)atomic_load(&global_epoch) << 32 |
	    atomic_load(&epochs[(uint64_t)user % EPOCHS]);
}

/*
 * hearthd, before each request: if another process (hearthctl) wrote since
 * last time, nothing remembered may be trusted: the change stamps say so
 * (stamp_sync), and every count is recounted.
 */
void
epoch_sync(void)
{
	if (stamp_sync())
		atomic_fetch_add(&global_epoch, 1);
}

/* Bump what this thread's committed transactions touched. */
static void
epoch_commit(void *arg, int committed)
{
	(void)arg;
	if (!committed)
		return;		/* still pending: bumped at the next commit */
	size_t	 i;

	for (i = 0; i < npending; i++)
		atomic_fetch_add(&epochs[(uint64_t)pending[i] % EPOCHS], 1);
	if (pending_all)
		atomic_fetch_add(&global_epoch, 1);
	npending = 0;
	pending_all = 0;
}

/* user's count may change with the statement just run on db. */
void
epoch_touch(struct db *db, int64_t user)
{
	if (npending < PENDING_MAX)
		pending[npending++] = user;
	else
		pending_all = 1;
	db_after_commit(db, epoch_commit, NULL);	/* now, in autocommit */
}

/*
 * Counts remembered for every loop at once (a connection's own memo would
 * make each loop count again: with two loops a third of pages paid for a
 * count). Slot by person and kind, striped locks; a miss is only a
 * recount.
 */
#define SHARED_SLOTS	(65536 * 4)
#define SHARED_LOCKS	64
static struct {
	int64_t		 user;
	int64_t		 version;
	int64_t		 value;
	int		 kind;
}			 shared[SHARED_SLOTS];
static pthread_mutex_t	 shared_locks[SHARED_LOCKS] = {
	[0 ... SHARED_LOCKS - 1] = PTHREAD_MUTEX_INITIALIZER
};

/* A remembered value of kind for user at version; 1 if there is one. */
int
epoch_memo_get(int kind, int64_t user, int64_t version, int64_t *value)
{
	size_t	 i = ((uint64_t)user * MEMO_KINDS + kind) % SHARED_SLOTS;
	int	 hit;

	pthread_mutex_lock(&shared_locks[i % SHARED_LOCKS]);
	hit = shared[i].kind == kind && shared[i].user == user &&
	    shared[i].version == version;
	if (hit)
		*value = shared[i].value;
	pthread_mutex_unlock(&shared_locks[i % SHARED_LOCKS]);
	return hit;
}

/* Remember value of kind for user at version (read before computing). */
void
epoch_memo_put(int kind, int64_t user, int64_t version, int64_t value)
{
	size_t	 i = ((uint64_t)user * MEMO_KINDS + kind) % SHARED_SLOTS;

	pthread_mutex_lock(&shared_locks[i % SHARED_LOCKS]);
	shared[i].kind = kind;
	shared[i].user = user;
	shared[i].version = version;
	shared[i].value = value;
	pthread_mutex_unlock(&shared_locks[i % SHARED_LOCKS]);
}

/* Anyone's count may change (what they may read changed). */
void
epoch_touch_all(struct db *db)
{
	pending_all = 1;
	db_after_commit(db, epoch_commit, NULL);
}
