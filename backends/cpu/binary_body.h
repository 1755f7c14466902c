/* NZ_OP_BINARY for one T (see tmpl.h). */
#define FN(name) NZ_CAT(name, SFX)
#define VM(name) NZ_CAT(nz_vm_##name, SFX) /* vmath.h: vectorizes, unlike libm */

static inline __attribute__((always_inline)) T FN(bin_f)(int fn, T x, T y)
{
    switch (fn) {
    case NZ_BIN_ADD: return x + y;
    case NZ_BIN_SUB: return x - y;
    case NZ_BIN_MUL: return x * y;
    case NZ_BIN_DIV: return x / y;
    /* fmax/fmin: a NaN operand yields the other one, as in the reference */
    case NZ_BIN_MAX: return M(fmax)(x, y);
    case NZ_BIN_MIN: return M(fmin)(x, y);
    case NZ_BIN_RELU_BWD: return y > 0 ? x : (T)0;
    case NZ_BIN_SIGMOID_BWD: return x * (y * ((T)1 - y));
    case NZ_BIN_TANH_BWD: return x * ((T)1 - y * y);
    case NZ_BIN_GELU_BWD: {
        T cdf = (T)0.5 * ((T)1 + VM(erf)(y * (T)0.70710678118654752440));
        T pdf = (T)0.39894228040143267794 * VM(exp)((T)-0.5 * y * y);
        return x * (cdf + y * pdf);
    }
    default: return x;
    }
}

typedef struct FN(bin_job) {
    const nz_binary_args *a;
    const T *x, *y;
    T *out;
    T alpha, beta;
} FN(bin_job);

/* One row with compile-time strides xs, ys (0: broadcast value, 1: contiguous).
 * No restrict: out may alias x or y. */
static inline __attribute__((always_inline)) void FN(bin_row)(int fn, int xs, int ys,
    int read_out, const T *x, const T *y, T *out, int64_t j0, int64_t j1, T alpha, T beta)
{
    if (read_out)
        for (int64_t j = j0; j < j1; j++)
            out[j] = alpha * FN(bin_f)(fn, x[j * xs], y[j * ys]) + beta * out[j];
    else
        for (int64_t j = j0; j < j1; j++)
            out[j] = alpha * FN(bin_f)(fn, x[j * xs], y[j * ys]);
}

#define BIN_STRIDES(F) \
    if (xs && ys) { \
        if (ro) FN(bin_row)(F, 1, 1, 1, xr, yr, o, j0, j1, al, be); \
        else FN(bin_row)(F, 1, 1, 0, xr, yr, o, j0, j1, al, be); \
    } else if (xs) { \
        if (ro) FN(bin_row)(F, 1, 0, 1, xr, yr, o, j0, j1, al, be); \
        else FN(bin_row)(F, 1, 0, 0, xr, yr, o, j0, j1, al, be); \
    } else if (ys) { \
        if (ro) FN(bin_row)(F, 0, 1, 1, xr, yr, o, j0, j1, al, be); \
        else FN(bin_row)(F, 0, 1, 0, xr, yr, o, j0, j1, al, be); \
    } else { \
        if (ro) FN(bin_row)(F, 0, 0, 1, xr, yr, o, j0, j1, al, be); \
        else FN(bin_row)(F, 0, 0, 0, xr, yr, o, j0, j1, al, be); \
    }
#define BIN_CASE(F) case F: BIN_STRIDES(F) break;

/* Row i of an operand stored as `bc`; *stride is 1 (walks the row) or 0. */
static inline const T *FN(bin_rowptr)(const T *base, nz_bcast bc, int64_t i, int64_t n,
                                      int *stride)
{
    switch (bc) {
    case NZ_BCAST_ROW: *stride = 1; return base;
    case NZ_BCAST_COL: *stride = 0; return base + i;
    case NZ_BCAST_SCALAR: *stride = 0; return base;
    default: *stride = 1; return base + i * n;
    }
}

NZ_CPU_SIMD_CLONES static void FN(bin_range)(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    FN(bin_job) *b = vctx;
    const nz_binary_args *a = b->a;
    int ro = b->beta != 0;
    T al = b->alpha, be = b->beta;
    for (int64_t i = i0; i < i1; i++) {
        int xs, ys;
        const T *xr = FN(bin_rowptr)(b->x, a->x_bcast, i, a->n, &xs);
        const T *yr = FN(bin_rowptr)(b->y, a->y_bcast, i, a->n, &ys);
        T *o = b->out + i * a->n;
        switch (a->fn) {
        BIN_CASE(NZ_BIN_ADD) BIN_CASE(NZ_BIN_SUB) BIN_CASE(NZ_BIN_MUL) BIN_CASE(NZ_BIN_DIV)
        BIN_CASE(NZ_BIN_MAX) BIN_CASE(NZ_BIN_MIN) BIN_CASE(NZ_BIN_RELU_BWD)
        BIN_CASE(NZ_BIN_SIGMOID_BWD) BIN_CASE(NZ_BIN_TANH_BWD) BIN_CASE(NZ_BIN_GELU_BWD)
        default: break;
        }
    }
}
#undef BIN_CASE
#undef BIN_STRIDES

static void FN(binary)(nz_cpu_dev *dev, const nz_binary_args *a)
{
    FN(bin_job) b = {a, nz_cpu_ptr(a->x, sizeof(T)), nz_cpu_ptr(a->y, sizeof(T)),
                     nz_cpu_ptr(a->out, sizeof(T)), (T)a->alpha, (T)a->beta};
    int64_t grain = a->fn == NZ_BIN_GELU_BWD ? NZ_CPU_GRAIN / 8 : NZ_CPU_GRAIN;
    nz_cpu_parallel_2d(dev, a->m, a->n, grain, FN(bin_range), &b);
}

#undef FN
#undef VM
