/*
 * Unit tests for capture/privdrop.c. Each drop runs in a forked child
 * (it cannot be undone) that reports by its exit status.
 *
 * As any user: an unknown -Z user is refused; without root, -Z naming
 * another user is refused and the plan keeps the user; applying it leaves
 * no capabilities and sets no_new_privs.
 * As root (CI): the default plan is "nobody" and -Z root keeps root; after
 * the drop every uid and gid is nobody's, root cannot be regained, no
 * capability is left in any set (the bounding set included), no_new_privs
 * is on, and a root-only file cannot be opened. A non-root process that
 * still holds capabilities (as a binary with setcap file capabilities
 * does; made here with PR_SET_KEEPCAPS) loses them all and stays its user.
 */
#include "capture/privdrop.h"
#include "tests/unit/t.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int run_child(int (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Checks in a child: each failure is a line on stderr and a bit set. */
#define EXPECT(c)                                                                                  \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: child: %s\n", __FILE__, __LINE__, #c);             \
			bad = 1;                                                                   \
		}                                                                                  \
	} while (0)

static int no_caps_left(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (d[0].effective | d[1].effective | d[0].permitted | d[1].permitted |
		d[0].inheritable | d[1].inheritable) == 0;
}

static int drop_to_nobody(void)
{
	int bad = 0;
	char err[512], desc[256];
	struct privdrop_plan p;
	EXPECT(privdrop_plan(NULL, &p, err, sizeof err) == 0);
	EXPECT(p.change_user && !p.keep_root && strcmp(p.user, "nobody") == 0);
	const struct passwd *pw = getpwnam("nobody");
	EXPECT(pw && p.uid == pw->pw_uid && p.gid == pw->pw_gid);
	EXPECT(privdrop_describe(desc, sizeof desc) == 1); /* root holds capabilities */
	if (privdrop_apply(&p, err, sizeof err) != 0) {
		fprintf(stderr, "privdrop_apply: %s\n", err);
		return 1;
	}
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	EXPECT(r == p.uid && e == p.uid && s == p.uid);
	EXPECT(gr == p.gid && ge == p.gid && gs == p.gid);
	EXPECT(setuid(0) != 0 && errno == EPERM);
	EXPECT(setgid(0) != 0);
	EXPECT(no_caps_left());
	EXPECT(prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) == 0);
	EXPECT(prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 0);
	EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	gid_t groups[64];
	int ng = getgroups(64, groups);
	for (int i = 0; i < ng; i++)
		EXPECT(groups[i] != 0);
	EXPECT(open("/etc/shadow", O_RDONLY) < 0 && errno == EACCES);
	EXPECT(privdrop_describe(desc, sizeof desc) == 0);
	EXPECT(strstr(desc, "(nobody)") && strstr(desc, "no capabilities") &&
	       strstr(desc, "no_new_privs on"));
	if (bad)
		fprintf(stderr, "after the drop: %s\n", desc);
	return bad;
}

/* A non-root process holding capabilities, as `setcap ... =eip` gives. */
static int file_caps_case(void)
{
	int bad = 0;
	char err[512], desc[256];
	const struct passwd *pw = getpwnam("nobody");
	if (pw == NULL)
		return 2;
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setgroups(0, NULL) != 0 ||
	    setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)
		return 3;
	/* KEEPCAPS kept the permitted set; make cap_net_raw effective. */
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	d[0].permitted = d[0].effective = 1u << CAP_NET_RAW | 1u << CAP_NET_ADMIN;
	if (syscall(SYS_capset, &h, d) != 0)
		return 4;
	EXPECT(privdrop_describe(desc, sizeof desc) == 1);
	struct privdrop_plan p;
	/* Another user is refused without root. */
	EXPECT(privdrop_plan("root", &p, err, sizeof err) == -1);
	EXPECT(strstr(err, "needs root") != NULL);
	/* The same user by name is fine. */
	EXPECT(privdrop_plan("nobody", &p, err, sizeof err) == 0 && !p.change_user && !p.keep_root);
	EXPECT(privdrop_plan(NULL, &p, err, sizeof err) == 0);
	EXPECT(!p.change_user && !p.keep_root && p.uid == uid);
	if (privdrop_apply(&p, err, sizeof err) != 0) {
		fprintf(stderr, "privdrop_apply: %s\n", err);
		return 1;
	}
	EXPECT(getuid() == uid && geteuid() == uid);
	EXPECT(no_caps_left());
	EXPECT(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	EXPECT(privdrop_describe(desc, sizeof desc) == 0);
	return bad;
}

/* Whoever we are, applying the default plan leaves no capabilities. */
static int default_plan_case(void)
{
	int bad = 0;
	char err[512];
	struct privdrop_plan p;
	EXPECT(privdrop_plan(NULL, &p, err, sizeof err) == 0);
	EXPECT(privdrop_apply(&p, err, sizeof err) == 0);
	EXPECT(no_caps_left());
	EXPECT(geteuid() != 0);
	return bad;
}

int main(void)
{
	char err[512];
	struct privdrop_plan p;
	CHECK_EQ_INT(privdrop_plan("no-such-user-tlsdiag-test", &p, err, sizeof err), -1);
	CHECK(strstr(err, "no such user") != NULL);
	if (geteuid() != 0) {
		CHECK_EQ_INT(privdrop_plan(NULL, &p, err, sizeof err), 0);
		CHECK(!p.change_user && !p.keep_root && p.uid == getuid());
		CHECK_EQ_INT(privdrop_plan("root", &p, err, sizeof err), -1);
		CHECK(strstr(err, "needs root") != NULL);
		CHECK_EQ_INT(run_child(default_plan_case), 0);
		printf("note: not root: the drop from root to nobody is not tested here\n");
		return t_done("test_privdrop");
	}
	if (getpwnam("nobody") == NULL) {
		printf("SKIP: no user 'nobody' on this system\n");
		return 77;
	}
	CHECK_EQ_INT(privdrop_plan("root", &p, err, sizeof err), 0);
	CHECK(p.keep_root && !p.change_user);
	CHECK_EQ_INT(privdrop_apply(&p, err, sizeof err), 0); /* -Z root: nothing dropped */
	CHECK_EQ_INT(geteuid(), 0);
	CHECK_EQ_INT(run_child(drop_to_nobody), 0);
	CHECK_EQ_INT(run_child(file_caps_case), 0);
	CHECK_EQ_INT(run_child(default_plan_case), 0);
	return t_done("test_privdrop");
}
