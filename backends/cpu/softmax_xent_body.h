/* NZ_OP_SOFTMAX_XENT for one T (see softmax_xent.c). */
#define FN(name) NZ_CAT(name, SFX)

typedef struct FN(sx_job) {
    const nz_softmax_xent_args *a;
    const T *logits;
    const int32_t *labels;
    T *loss, *probs, *dlogits;
} FN(sx_job);

static void FN(sx_rows)(void *vctx, int64_t i0, int64_t i1)
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
        for (int64_t j = 0; j < n; j++)
            sum += (double)M(exp)(x[j] - mx);
        double lse = (double)mx + log(sum);
        if (!a->backward) {
            double l = bad ? NAN : lse - (double)x[lab];
            T *lo = s->loss + i;
            *lo = (T)(beta == 0 ? alpha * l : alpha * l + beta * (double)*lo);
            if (s->probs) {
                T *p = s->probs + i * n;
                for (int64_t j = 0; j < n; j++)
                    p[j] = (T)exp((double)x[j] - lse);
            }
            continue;
        }
        T *d = s->dlogits + i * n;
        for (int64_t j = 0; j < n; j++) {
            double g = bad ? NAN : exp((double)x[j] - lse) - (j == lab ? 1.0 : 0.0);
            d[j] = (T)(beta == 0 ? alpha * g : alpha * g + beta * (double)d[j]);
        }
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
