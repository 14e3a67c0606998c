/* units.c - sizes as command lines give them. */
#include "capture/units.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

int parse_size(const char *s, uint64_t unit, uint64_t max, uint64_t *out)
{
	char *end;
	if (s == NULL || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mul = unit;
	if (errno || v == 0)
		return -1;
	if (*end) {
		switch (*end) {
		case 'k':
		case 'K': mul = 1ULL << 10; break;
		case 'm':
		case 'M': mul = 1ULL << 20; break;
		case 'g':
		case 'G': mul = 1ULL << 30; break;
		default: return -1;
		}
		if (end[1] && !((end[1] == 'B' || end[1] == 'b') && end[2] == 0))
			return -1;
	}
	if (mul == 0 || v > max / mul)
		return -1;
	*out = v * mul;
	return 0;
}
