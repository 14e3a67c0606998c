/*
 * units.h - sizes as command lines give them (--max-buffer, -C).
 */
#ifndef TLSDIAG_UNITS_H
#define TLSDIAG_UNITS_H

#include <stdint.h>

/*
 * A whole decimal number of `unit` bytes ("100"), or of KiB, MiB or GiB
 * with a suffix K, M or G in either case, which a "B" may follow ("64k",
 * "2MB"). 0 with *out set; -1 when s is not such a size, is 0, or is more
 * than max bytes.
 */
int parse_size(const char *s, uint64_t unit, uint64_t max, uint64_t *out);

#endif
