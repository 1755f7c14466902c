/* NZ_OP_SOFTMAX_XENT for one T (see softmax_xent.c). */
#define FN(name) NZ_CAT(name, SFX)
#define VM(name) NZ_CAT(nz_vm_##name, SFX) /* vmath.h: vectorizes, unlike libm */

/* exp(x[j] - mx) goes through a block on the stack so that the exps
 * vectorize while the double sum still runs in order (same bits at any
 * split, as before). */
#ifndef NZ_SX_BLOCK
#define NZ_SX_BLOCK 256
#endif

typedef struct FN(sx_job) {
    const nz_softmax_xent_args *a;
    const T *logits;
    const int32_t *labels;
    T *loss, *probs, *dlogits;
} FN(sx_job);

/* d loss / d logit: softmax - onehot, NaN for every logit of a bad label */
static inline __attribute__((always_inline)) double FN(sx_grad)(T x, double lse, int is_label,
                                                                 int bad)
{
    double g = nz_vm_exp_f64((double)x - lse) - (is_label ? 1.0 : 0.0);
    return nz_vm_sel_f64(bad, NAN, g);
}

NZ_CPU_SIMD_CLONES static void FN(sx_rows)(void *vctx, int64_t i0, int64_t i1)
{
    FN(sx_job) *s = vctx;
    const nz_softmax_xent_args *a = s->a;
    int64_t n = a->n;
    double alpha = a->alpha, beta = a->beta;
    for (int64_t i = i0; i < i1; i++) {
        const T *x = s->logits + i * n;
        int32_t lab = s->labels[i];
        int bad = lab < 0 || lab >= n;
        T mx = x[0];
        for (int64_t j = 1; j < n; j++)
            mx = x[j] > mx ? x[j] : mx;
        /* exp(x - max) <= 1: no overflow; the sum in double */
        double sum = 0;
        for (int64_t j0 = 0; j0 < n; j0 += NZ_SX_BLOCK) {
            T e[NZ_SX_BLOCK];
            int64_t len = n - j0 < NZ_SX_BLOCK ? n - j0 : NZ_SX_BLOCK;
            for (int64_t j = 0; j < len; j++)
                e[j] = VM(exp)(x[j0 + j] - mx);
            for (int64_t j = 0; j < len; j++)
                sum += (double)e[j];
        }
        double lse = (double)mx + log(sum);
        if (!a->backward) {
            double l = bad ? NAN : lse - (double)x[lab];
            T *lo = s->loss + i;
            *lo = (T)(beta == 0 ? alpha * l : alpha * l + beta * (double)*lo);
            if (s->probs) {
                T *p = s->probs + i * n;
                for (int64_t j = 0; j < n; j++)
                    p[j] = (T)nz_vm_exp_f64((double)x[j] - lse);
            }
            continue;
        }
        /* two loops, so that d is read only when beta != 0 and both vectorize */
        T *d = s->dlogits + i * n;
        if (beta == 0)
            for (int64_t j = 0; j < n; j++)
                d[j] = (T)(alpha * FN(sx_grad)(x[j], lse, j == lab, bad));
        else
            for (int64_t j = 0; j < n; j++)
                d[j] = (T)(alpha * FN(sx_grad)(x[j], lse, j == lab, bad) + beta * (double)d[j]);
    }
}

static void FN(softmax_xent)(nz_cpu_dev *dev, const nz_softmax_xent_args *a)
{
    FN(sx_job) s = {a, nz_cpu_ptr(a->logits, sizeof(T)), nz_cpu_ptr(a->labels, sizeof(int32_t)),
                    NULL, NULL, NULL};
    if (a->backward) {
        s.dlogits = nz_cpu_ptr(a->dlogits, sizeof(T));
    } else {
        s.loss = nz_cpu_ptr(a->loss, sizeof(T));
        s.probs = a->probs.buf ? nz_cpu_ptr(a->probs, sizeof(T)) : NULL;
    }
    nz_cpu_parallel_rows(dev, a->m, 8 * a->n, FN(sx_rows), &s);
}

#undef FN
#undef VM
