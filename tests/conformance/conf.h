/* The conformance harness: runs generated cases of every op on a device and
 * on the reference (nazo/reference.h) and compares them.
 *
 * Every buffer of a case is laid out as  guard | payload | guard,  the guards
 * (and a random extra offset in front of the payload) filled with a sentinel
 * byte; brefs point past the front guard.  After the op the harness reads
 * every buffer back and requires: guards untouched, inputs untouched, outputs
 * within the op's NMSE bound of the reference (bitwise for RANDOM, exact for
 * integers), and no non-finite value where the reference is finite. */
#ifndef NAZO_CONF_H
#define NAZO_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "nazo/backend.h"

#define CONF_MAX_BUFS 8
#define CONF_GUARD 16          /* guard elements on each side */
#define CONF_SENTINEL 0xA7     /* guard byte */

typedef struct conf_rng {
    uint64_t s;
} conf_rng;

uint64_t conf_next(conf_rng *r);
double conf_unif(conf_rng *r, double lo, double hi);
int64_t conf_int(conf_rng *r, int64_t lo, int64_t hi); /* inclusive */
int64_t conf_pick(conf_rng *r, const int64_t *v, size_t n);
/* A size for awkward shapes: 1, primes, odd sizes around vector widths, > 1000. */
int64_t conf_dim(conf_rng *r);

typedef struct conf_buf {
    nz_dtype dt;
    int is_out;
    int skip_payload;          /* output not compared (e.g. after a failed Cholesky) */
    size_t esz, front, n, total; /* elements: front = guard + extra offset */
    unsigned char *init;       /* the image every run starts from */
    unsigned char *ref;        /* after the reference */
    unsigned char *got;        /* read back from the device */
    void *dbuf;
} conf_buf;

typedef struct conf_case {
    nz_op_args args;           /* brefs point into init images while generating */
    conf_buf b[CONF_MAX_BUFS];
    int nb;
    int fp64;                  /* the device supports NZ_F64 (cast targets) */
} conf_case;

/* A new buffer of n payload elements, filled uniform in [-1, 1] (I32: 0). */
nz_bref conf_buf_new(conf_case *tc, nz_dtype dt, size_t n, int is_out, conf_rng *r);
conf_buf *conf_buf_of(conf_case *tc, nz_bref ref);
void conf_set(conf_case *tc, nz_bref ref, size_t i, double v);
double conf_get(conf_case *tc, nz_bref ref, size_t i);
void conf_fill(conf_case *tc, nz_bref ref, size_t n, double lo, double hi, conf_rng *r);
void conf_fill_nan(conf_case *tc, nz_bref ref, size_t n);
void conf_case_free(conf_case *tc);

/* Pointers to every bref in args (NULL bufs included), by op. */
int conf_brefs(nz_op_args *args, nz_bref **out);

/* One op's generator: fills tc for case `idx` of dtype dt, from r. */
typedef void (*conf_gen_fn)(conf_case *tc, int idx, nz_dtype dt, conf_rng *r);
/* Called after the reference ran, e.g. to skip outputs that are unspecified. */
typedef void (*conf_post_fn)(conf_case *tc);
/* Accepts an integer output that differs from the reference (argmax ties). */
typedef int (*conf_accept_fn)(conf_case *tc, int buf, size_t elem, int32_t got, int32_t want);

typedef struct conf_op {
    nz_op op;
    int ncases;
    conf_gen_fn gen;
    double nmse_f32, nmse_f64; /* bound on sum (d-r)^2 / sum r^2 per output */
    int bitwise;               /* outputs must match bit for bit */
    conf_post_fn post;
    conf_accept_fn accept;
} conf_op;

extern const conf_op conf_ops[NZ_OP_COUNT];

/* Write the case's full parameters into buf. */
void conf_describe(const nz_op_args *args, const conf_case *tc, char *buf, size_t size);

/* A device to test: the backend table and an open handle. */
typedef struct conf_device {
    const char *id;
    const nz_backend_iface *be;
    void *handle;
    nz_device_info info;
} conf_device;

typedef struct conf_opts {
    double case_scale;         /* multiplies every op's ncases */
    int only_op;               /* -1: all */
    int verbose;
} conf_opts;

/* Test every op and dtype on dev; prints one line per (op, dtype) and every
 * failing case.  Returns the number of failures. */
int conf_run_device(const conf_device *dev, const conf_opts *opts);

#endif
