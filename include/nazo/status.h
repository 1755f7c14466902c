/* Status codes and the thread-local error message.
 *
 * Every public function that can fail returns an nz_status (or NULL) and leaves
 * a message saying what failed and what to do.  The message lives in
 * thread-local storage until the next failure on the same thread.  Libraries
 * never exit() or abort() on user input. */
#ifndef NAZO_STATUS_H
#define NAZO_STATUS_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nz_status {
    NZ_OK = 0,
    NZ_ERR_INVALID = 1,     /* bad argument: shape, dtype, value, name */
    NZ_ERR_NOMEM = 2,       /* host or device allocation failed */
    NZ_ERR_DEVICE = 3,      /* the device or its driver failed */
    NZ_ERR_IO = 4,          /* file system or data file */
    NZ_ERR_UNSUPPORTED = 5, /* op or dtype not supported by this device */
    NZ_ERR_NOT_FOUND = 6,   /* unknown plugin, device, experiment, parameter */
    NZ_ERR_UNAVAILABLE = 7, /* backend loaded but has no usable device */
    NZ_ERR_INTERRUPTED = 8, /* stopped by a signal; state saved where possible */
    NZ_ERR_NUMERIC = 9      /* e.g. matrix not positive definite */
} nz_status;

/* Human-readable name of a status ("invalid argument", ...). */
const char *nz_status_name(nz_status s);

/* The message of the last failure on this thread ("" when none). */
const char *nz_last_error(void);

/* Record a failure: sets the thread's message from a printf format and
 * returns `s`, so callers can write `return nz_error(NZ_ERR_INVALID, ...)`. */
nz_status nz_error(nz_status s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
nz_status nz_verror(nz_status s, const char *fmt, va_list ap);

/* Prefix the current message with context: "loading model: <old message>". */
nz_status nz_error_prefix(nz_status s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clear the thread's message. */
void nz_error_clear(void);

/* Debug tracing, enabled per topic by NAZO_DEBUG=topic[,topic...] or "all"
 * (topics: load, ops, run, ...).  Lines go to stderr prefixed "nazo[topic]". */
int nz_debug_enabled(const char *topic);
void nz_debug(const char *topic, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif
#endif
