/* main.c - the front door: parse the command line, pick a mode. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/tcp.h"
#include "ui/streams.h"

static void usage(FILE *f)
{
	fputs("usage: tlsdiag [OPTIONS] FILE...\n"
	      "       tlsdiag --streams [--dump-streams DIR] FILE...\n"
	      "Try 'tlsdiag --help'.\n", f);
}

int main(int argc, char **argv)
{
	enum { O_STREAMS = 256, O_DUMP, O_MAXFLOWS, O_MAXBUF, O_IDLE };
	static const struct option opts[] = {
		{ "streams", no_argument, 0, O_STREAMS },
		{ "dump-streams", required_argument, 0, O_DUMP },
		{ "max-flows", required_argument, 0, O_MAXFLOWS },
		{ "max-buffer", required_argument, 0, O_MAXBUF },
		{ "idle-timeout", required_argument, 0, O_IDLE },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct tcp_config tcfg;
	int streams = 0, c;
	const char *dump = NULL;
	tcp_config_default(&tcfg);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_STREAMS: streams = 1; break;
		case O_DUMP: dump = optarg; streams = 1; break;
		case O_MAXFLOWS: tcfg.max_flows = strtoul(optarg, NULL, 10); break;
		case O_MAXBUF: tcfg.max_buffer = strtoul(optarg, NULL, 10); break;
		case O_IDLE: tcfg.idle_timeout_ns = (int64_t)(atof(optarg) * 1e9); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (streams)
		return streams_run(argv + optind, argc - optind, &tcfg, dump, stdout);
	fputs("tlsdiag: only --streams is implemented so far\n", stderr);
	return 2;
}
