/*
 * privdrop.h - give up the privileges live capture needed to open its
 * interfaces, before the first packet is parsed.
 *
 * Started as root: become USER (-Z USER; "nobody" when not given) with
 * its groups (initgroups), gid and uid (real, effective and saved), and no
 * capabilities in any set, the bounding set emptied and no_new_privs set
 * so that nothing executed later can gain any. Staying root takes an
 * explicit -Z root.
 *
 * Started as an ordinary user whose binary carries file capabilities
 * (setcap cap_net_raw,cap_net_admin=eip tlsdiag): drop every capability
 * (effective, permitted, inheritable, ambient) and set no_new_privs; the
 * user stays the same. -Z naming another user is an error there (only
 * root can change users).
 *
 * Each step is checked afterwards (getresuid, getresgid, getgroups,
 * capget, prctl, and that setuid(0) now fails); any surprise is an error
 * and the caller must stop: parsing hostile packets with privileges kept
 * by mistake is worse than not capturing. No library is needed: the
 * capability system calls are used directly (linux/capability.h).
 */
#ifndef TLSDIAG_PRIVDROP_H
#define TLSDIAG_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

#define PRIVDROP_DEFAULT_USER "nobody"

struct privdrop_plan {
	int change_user; /* become uid/gid (started as root, user not root) */
	int keep_root;	 /* -Z root while root: nothing is dropped */
	uid_t uid;
	gid_t gid;
	char user[64];
};

/*
 * Decide what to become: `user` is -Z's argument or NULL. Looks the user
 * up now (before anything is dropped). -1 with err: no such user, or -Z
 * naming another user without root.
 */
int privdrop_plan(const char *user, struct privdrop_plan *p, char *err, size_t errlen);

/* Carry the plan out and check the result. 0, or -1 with err (stop). */
int privdrop_apply(const struct privdrop_plan *p, char *err, size_t errlen);

/*
 * What the process holds now, in a sentence for logs and tests:
 * "uid 65534 (nobody), gid 65534, no capabilities, no_new_privs".
 * Returns 1 when it holds any capability (effective, permitted,
 * inheritable or ambient), 0 when none, -1 when they cannot be read.
 */
int privdrop_describe(char *buf, size_t len);

#endif
