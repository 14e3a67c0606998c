/*
 * replay.c - run fuzz inputs through a target without libFuzzer (after
 * the-tcpdump-group/libpcap's testprogs/fuzz/onefile.c), so `make check`
 * replays every corpus with the normal (or sanitizer) build.
 *
 * Usage: replay [file-or-dir...]; with no arguments, the corpus directory
 * compiled in as FUZZ_CORPUS. Exits 1 when there was nothing to replay or
 * a file could not be read (a crash in the target ends the run by itself).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (buf == NULL) {
			fclose(f);
			return -1;
		}
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		buf = realloc(buf, cap);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		perror(path);
		free(buf);
		return -1;
	}
	/* An exact-size copy, so ASan catches reads past the input. */
	uint8_t *exact = malloc(n ? n : 1);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	if (n)
		memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory in name order (reproducible runs). */
static int run_path(const char *path, int *count)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *dir = opendir(path);
	if (dir == NULL) {
		perror(path);
		return -1;
	}
	char **names = NULL;
	size_t nn = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (nn == cap) {
			cap = cap ? cap * 2 : 64;
			char **nw = realloc(names, cap * sizeof *names);
			if (nw == NULL)
				break;
			names = nw;
		}
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		names[nn] = malloc(len);
		if (names[nn] == NULL)
			break;
		snprintf(names[nn], len, "%s/%s", path, e->d_name);
		nn++;
	}
	closedir(dir);
	if (nn)
		qsort(names, nn, sizeof *names, cmp);
	int rc = 0;
	for (size_t i = 0; i < nn; i++) {
		if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
			(*count)++;
			if (run_file(names[i]) != 0)
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int count = 0, rc = 0;
	if (argc < 2) {
#ifdef FUZZ_CORPUS
		rc = run_path(FUZZ_CORPUS, &count);
#endif
	}
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count) != 0)
			rc = -1;
	printf("%s: replayed %d inputs\n", argv[0], count);
	return rc != 0 || count == 0 ? 1 : 0;
}
