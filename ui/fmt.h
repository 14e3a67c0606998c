/*
 * fmt.h - formatting helpers shared by the reports (ui/fmt.c).
 */
#ifndef TLSDIAG_FMT_H
#define TLSDIAG_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "2026-11-23T04:05:06.123456Z" from nanoseconds since the epoch (UTC). */
const char *ui_time_us(int64_t ns, char *buf, size_t len);
/* "2026-11-23T04:05:06Z" from seconds. */
const char *ui_time_s(time_t t, char *buf, size_t len);

/* "RSA", "EC", "Ed25519", "Ed448", "DSA", or NULL when unknown. */
const char *ui_key_type_str(int key_type);
/* Names of the KU_* bits set in ku, in RFC 5280 order ("digitalSignature",
 * "keyEncipherment", ...); returns how many were written to names (<= 9). */
size_t ui_key_usage_names(unsigned ku, const char *names[9]);

#endif
