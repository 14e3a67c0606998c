/*
 * runstat.c - run a command and report its wall time, CPU time and peak
 * resident set, for `make bench`.
 *
 *   runstat REPORT COMMAND [ARG...]
 *
 * Writes "<wall s> <user+sys s> <peak RSS KiB> <exit status>" to the file
 * REPORT and exits with the command's status (128 + signal if killed).
 *
 * Why not the benchmark's Python driver itself: the peak RSS wait4()
 * reports for a child includes the memory of the process it was forked
 * from, until exec. Forked from this small program, that floor is a few
 * hundred KiB instead of the interpreter's tens of MiB.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: runstat REPORT COMMAND [ARG...]\n");
		return 2;
	}
	FILE *rep = fopen(argv[1], "w");
	if (rep == NULL) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "runstat: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "runstat: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "runstat: wait4: %s\n", strerror(errno));
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(rep, "%.6f %.6f %ld %d\n", wall, secs(ru.ru_utime) + secs(ru.ru_stime), ru.ru_maxrss,
		code);
	if (fclose(rep) != 0) {
		fprintf(stderr, "runstat: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	return code;
}
