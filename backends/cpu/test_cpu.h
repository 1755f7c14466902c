/* Shared helpers of the CPU backend tests: the loaded backend, host <-> device
 * transfers in any dtype (values handled as double on the host), and checks
 * that count failures. */
#ifndef NAZO_TEST_CPU_H
#define NAZO_TEST_CPU_H

#include <stddef.h>
#include <stdio.h>

#include "nazo/backend.h"

extern const nz_backend_iface *be;
extern void *dev;
extern int g_fail;

#define CHECK(cond, ...) do { if (!(cond)) { g_fail++; \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); \
    fputc('\n', stderr); } } while (0)

/* A device buffer of n elements of dt holding v (v may be NULL: zeros). */
void *up(nz_dtype dt, const double *v, size_t n);
void down(nz_dtype dt, void *buf, double *v, size_t n);
void release(void *buf);
nz_status run_op(nz_op_args *a);
/* Deterministic test values in [-1, 1). */
void fill_vals(double *v, size_t n, unsigned seed);
/* |got - want| <= tol * scale[i] (scale NULL: max(1, |want|)); NaN matches NaN. */
int close_enough(const char *what, const double *got, const double *want, const double *scale,
                 size_t n, double tol);

void test_gemm(void);
void test_elementwise(void);
void test_reduce(void);
void test_reduce_nan(void);
void test_misc_ops(void);
void test_linalg(void);

#endif
