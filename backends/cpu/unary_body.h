/* NZ_OP_UNARY for one T (see tmpl.h). */
#define FN(name) NZ_CAT(name, SFX)
#define VM(name) NZ_CAT(nz_vm_##name, SFX) /* vmath.h: vectorizes, unlike libm */

/* One value of f.  Kept in a switch the compiler folds away: every caller
 * passes a constant fn through an always-inlined loop. */
static inline __attribute__((always_inline)) T FN(un_f)(int fn, T v, T p0, T p1)
{
    switch (fn) {
    case NZ_UN_IDENTITY: return v;
    case NZ_UN_NEG: return -v;
    case NZ_UN_ABS: return M(fabs)(v);
    case NZ_UN_SIGN: return v > 0 ? (T)1 : v < 0 ? (T)-1 : v; /* keeps 0 and NaN */
    case NZ_UN_SQUARE: return v * v;
    case NZ_UN_SQRT: return M(sqrt)(v);
    case NZ_UN_RSQRT: return (T)1 / M(sqrt)(v);
    case NZ_UN_RECIP: return (T)1 / v;
    case NZ_UN_EXP: return VM(exp)(v);
    case NZ_UN_LOG: return VM(log)(v);
    case NZ_UN_SIN: return M(sin)(v);
    case NZ_UN_COS: return M(cos)(v);
    case NZ_UN_ACOS: return M(acos)(v < (T)-1 ? (T)-1 : v > (T)1 ? (T)1 : v);
    case NZ_UN_RELU: return v > 0 ? v : (T)0;
    case NZ_UN_SIGMOID: return VM(sigmoid)(v);
    case NZ_UN_TANH: return VM(tanh)(v);
    case NZ_UN_GELU: return (T)0.5 * v * ((T)1 + VM(erf)(v * (T)0.70710678118654752440));
    case NZ_UN_STEP: return v > 0 ? (T)1 : (T)0;
    case NZ_UN_AFFINE: return p0 * v + p1;
    case NZ_UN_CLAMP: return M(fmin)(M(fmax)(v, p0), p1);
    case NZ_UN_POW: return M(pow)(v, p0);
    default: return v;
    }
}

typedef struct FN(un_job) {
    const nz_unary_args *a;
    const T *x;
    T *out;
    T p0, p1, alpha, beta;
} FN(un_job);

/* out[j] = alpha*f(x[j]) + beta*out[j] over [j0, j1) of one row.  No
 * restrict: in-place use (out == x) is allowed. */
static inline __attribute__((always_inline)) void FN(un_row)(int fn, int read_out,
    const T *x, T *out, int64_t j0, int64_t j1, T p0, T p1, T alpha, T beta)
{
    if (read_out)
        for (int64_t j = j0; j < j1; j++)
            out[j] = alpha * FN(un_f)(fn, x[j], p0, p1) + beta * out[j];
    else
        for (int64_t j = j0; j < j1; j++)
            out[j] = alpha * FN(un_f)(fn, x[j], p0, p1);
}

NZ_CPU_SIMD_CLONES static void FN(un_range)(void *vctx, int64_t i0, int64_t i1, int64_t j0, int64_t j1)
{
    FN(un_job) *u = vctx;
    const nz_unary_args *a = u->a;
    int64_t n = a->n;
    int read_out = u->beta != 0;
    for (int64_t i = i0; i < i1; i++) {
        T *o = u->out + i * n;
        if (a->x_bcast == NZ_BCAST_COL || a->x_bcast == NZ_BCAST_SCALAR) {
            /* one input value for the whole row: f once, then fill */
            T v = FN(un_f)(a->fn, u->x[a->x_bcast == NZ_BCAST_COL ? i : 0], u->p0, u->p1);
            T av = u->alpha * v;
            for (int64_t j = j0; j < j1; j++)
                o[j] = read_out ? av + u->beta * o[j] : av;
            continue;
        }
        const T *xr = a->x_bcast == NZ_BCAST_ROW ? u->x : u->x + i * n;
#define UN_CASE(F) case F: \
        if (read_out) FN(un_row)(F, 1, xr, o, j0, j1, u->p0, u->p1, u->alpha, u->beta); \
        else FN(un_row)(F, 0, xr, o, j0, j1, u->p0, u->p1, u->alpha, u->beta); \
        break;
        switch (a->fn) {
        UN_CASE(NZ_UN_IDENTITY) UN_CASE(NZ_UN_NEG) UN_CASE(NZ_UN_ABS) UN_CASE(NZ_UN_SIGN)
        UN_CASE(NZ_UN_SQUARE) UN_CASE(NZ_UN_SQRT) UN_CASE(NZ_UN_RSQRT) UN_CASE(NZ_UN_RECIP)
        UN_CASE(NZ_UN_EXP) UN_CASE(NZ_UN_LOG) UN_CASE(NZ_UN_SIN) UN_CASE(NZ_UN_COS)
        UN_CASE(NZ_UN_ACOS) UN_CASE(NZ_UN_RELU) UN_CASE(NZ_UN_SIGMOID) UN_CASE(NZ_UN_TANH)
        UN_CASE(NZ_UN_GELU) UN_CASE(NZ_UN_STEP) UN_CASE(NZ_UN_AFFINE) UN_CASE(NZ_UN_CLAMP)
        UN_CASE(NZ_UN_POW)
        default: break;
        }
#undef UN_CASE
    }
}

static void FN(unary)(nz_cpu_dev *dev, const nz_unary_args *a)
{
    FN(un_job) u = {a, nz_cpu_ptr(a->x, sizeof(T)), nz_cpu_ptr(a->out, sizeof(T)),
                    (T)a->p0, (T)a->p1, (T)a->alpha, (T)a->beta};
    /* transcendental fns cost ~10x a multiply: split them sooner */
    int cheap = a->fn <= NZ_UN_SQUARE || a->fn == NZ_UN_RELU || a->fn == NZ_UN_STEP ||
                a->fn == NZ_UN_AFFINE || a->fn == NZ_UN_CLAMP;
    nz_cpu_parallel_2d(dev, a->m, a->n, cheap ? NZ_CPU_GRAIN : NZ_CPU_GRAIN / 8, FN(un_range), &u);
}

#undef FN
#undef VM
