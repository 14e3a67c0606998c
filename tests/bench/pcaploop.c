/*
 * pcaploop.c - the floor of `make bench`: read a capture file with libpcap
 * and do nothing else (pcap_next_ex, count packets and captured bytes), so
 * that tlsdiag's time can be put beside the least any libpcap reader of the
 * same file must spend.
 *
 *   pcaploop FILE...    prints "<packets> packets <bytes> bytes" per file
 *
 * Exit status 0, or 1 when a file cannot be opened or read to its end.
 */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	int rc = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: pcaploop FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(argv[i], err);
		if (p == NULL) {
			fprintf(stderr, "pcaploop: %s\n", err);
			rc = 1;
			continue;
		}
		struct pcap_pkthdr *h;
		const unsigned char *data;
		unsigned long long packets = 0, bytes = 0;
		int r;
		while ((r = pcap_next_ex(p, &h, &data)) == 1) {
			packets++;
			bytes += h->caplen;
		}
		if (r == PCAP_ERROR) {
			fprintf(stderr, "pcaploop: %s: %s\n", argv[i], pcap_geterr(p));
			rc = 1;
		}
		printf("%llu packets %llu bytes\n", packets, bytes);
		pcap_close(p);
	}
	return rc;
}
