/*
 * privdrop.c - from root (or a binary with file capabilities) to an
 * unprivileged user with no capabilities, checked step by step.
 *
 * Order matters: no_new_privs and the bounding set while we still may
 * (the bounding set needs CAP_SETPCAP), then supplementary groups and the
 * gid while we are still root, then the uid last. A uid change from 0 to
 * non-zero in all three ids clears the permitted and effective sets by
 * itself (capabilities(7)); we clear them again (and the inheritable and
 * ambient sets) so that the file-capability case, where the uid does not
 * change, ends in the same state.
 */
#include "capture/privdrop.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* Capability numbers are probed up to here; the kernel answers EINVAL
 * past its last one (/proc/sys/kernel/cap_last_cap). */
#define CAP_PROBE_MAX 63

static void say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	memset(d, 0, 2 * sizeof *d);
	return (int)syscall(SYS_capget, &h, d);
}

static int caps_clear(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	return (int)syscall(SYS_capset, &h, d);
}

/* 1: some ambient capability is raised; 0 none; -1 cannot tell. */
static int ambient_any(void)
{
	for (int c = 0; c <= CAP_PROBE_MAX; c++) {
		int r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);
		if (r == 1)
			return 1;
		if (r < 0)
			return errno == EINVAL && c > 0 ? 0 : -1;
	}
	return 0;
}

int privdrop_describe(char *buf, size_t len)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	struct __user_cap_data_struct d[2];
	int held = -1;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	const struct passwd *pw = getpwuid(e);
	int ng = getgroups(0, NULL);
	if (caps_get(d) == 0) {
		held = (d[0].effective | d[1].effective | d[0].permitted | d[1].permitted |
			d[0].inheritable | d[1].inheritable) != 0;
		int amb = ambient_any();
		if (amb != 0)
			held = amb > 0 ? 1 : held;
	}
	snprintf(buf, len,
		 "uid %u/%u/%u (%s), gid %u/%u/%u, %d supplementary groups, %s, no_new_privs %s",
		 (unsigned)r, (unsigned)e, (unsigned)s, pw ? pw->pw_name : "?", (unsigned)gr,
		 (unsigned)ge, (unsigned)gs, ng,
		 held < 0 ? "capabilities unknown"
		 : held	  ? "capabilities held"
			  : "no capabilities",
		 prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? "on" : "off");
	return held;
}

int privdrop_plan(const char *user, struct privdrop_plan *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	int root = geteuid() == 0;
	if (user == NULL && !root) {
		/* Stay who we are; only capabilities go. */
		p->uid = getuid();
		p->gid = getgid();
		return 0;
	}
	const char *name = user ? user : PRIVDROP_DEFAULT_USER;
	errno = 0;
	const struct passwd *pw = getpwnam(name);
	if (pw == NULL) {
		say(err, errlen, "-Z %s: no such user%s%s", name, errno ? ": " : "",
		    errno ? strerror(errno) : "");
		return -1;
	}
	if (strlen(pw->pw_name) >= sizeof p->user) {
		say(err, errlen, "-Z %s: user name too long", name);
		return -1;
	}
	snprintf(p->user, sizeof p->user, "%s", pw->pw_name);
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	if (root) {
		if (pw->pw_uid == 0)
			p->keep_root = 1; /* asked for by name: -Z root */
		else
			p->change_user = 1;
		return 0;
	}
	if (pw->pw_uid != getuid()) {
		say(err, errlen, "-Z %s: changing user needs root (tlsdiag runs as uid %u)", name,
		    (unsigned)getuid());
		return -1;
	}
	return 0;
}

static int verify(const struct privdrop_plan *p, char *err, size_t errlen)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	if (getresuid(&r, &e, &s) != 0 || getresgid(&gr, &ge, &gs) != 0) {
		say(err, errlen, "cannot read the process's ids: %s", strerror(errno));
		return -1;
	}
	if (p->change_user && (r != p->uid || e != p->uid || s != p->uid || gr != p->gid ||
			       ge != p->gid || gs != p->gid)) {
		say(err, errlen, "user change incomplete: uid %u/%u/%u gid %u/%u/%u", (unsigned)r,
		    (unsigned)e, (unsigned)s, (unsigned)gr, (unsigned)ge, (unsigned)gs);
		return -1;
	}
	if (e != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		say(err, errlen, "root could be regained after dropping privileges");
		return -1;
	}
	struct __user_cap_data_struct d[2];
	if (caps_get(d) != 0) {
		say(err, errlen, "cannot read capabilities: %s", strerror(errno));
		return -1;
	}
	if (d[0].effective | d[1].effective | d[0].permitted | d[1].permitted | d[0].inheritable |
	    d[1].inheritable) {
		say(err, errlen, "capabilities remain after dropping them (%08x%08x)",
		    d[1].permitted, d[0].permitted);
		return -1;
	}
	if (ambient_any() > 0) {
		say(err, errlen, "ambient capabilities remain after dropping them");
		return -1;
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		say(err, errlen, "no_new_privs is not set");
		return -1;
	}
	return 0;
}

int privdrop_apply(const struct privdrop_plan *p, char *err, size_t errlen)
{
	if (p->keep_root)
		return 0;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		say(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (p->change_user) {
		/* Empty the bounding set while CAP_SETPCAP is ours. */
		for (int c = 0; c <= CAP_PROBE_MAX; c++)
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno == EINVAL)
				break;
		if (initgroups(p->user, p->gid) != 0) {
			say(err, errlen, "cannot set the groups of %s: %s", p->user,
			    strerror(errno));
			return -1;
		}
		if (setresgid(p->gid, p->gid, p->gid) != 0) {
			say(err, errlen, "cannot change group to %u: %s", (unsigned)p->gid,
			    strerror(errno));
			return -1;
		}
		if (setresuid(p->uid, p->uid, p->uid) != 0) {
			say(err, errlen, "cannot change user to %s: %s", p->user, strerror(errno));
			return -1;
		}
	}
	/* Ambient first (it needs the permitted set), then the rest. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
		say(err, errlen, "cannot clear ambient capabilities: %s", strerror(errno));
		return -1;
	}
	if (caps_clear() != 0) {
		say(err, errlen, "cannot clear capabilities: %s", strerror(errno));
		return -1;
	}
	return verify(p, err, errlen);
}
