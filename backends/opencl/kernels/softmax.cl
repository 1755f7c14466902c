/* Fused softmax cross-entropy, one work-group per row: the row's maximum and
 * sum of exponentials are reduced in local memory, then every work-item
 * writes its share of the row. */

inline real nz_wg_reduce(__local real *lv, real v, int is_max)
{
    int l = (int)get_local_id(0), ls = (int)get_local_size(0);
    lv[l] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int s = ls / 2; s > 0; s >>= 1) {
        if (l < s)
            lv[l] = is_max ? fmax(lv[l], lv[l + s]) : lv[l] + lv[l + s];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    real r = lv[0];
    barrier(CLK_LOCAL_MEM_FENCE); /* everyone has read lv[0] before reuse */
    return r;
}

__kernel void nz_softmax_xent(int backward, long n,
                              __global const real *logits, long xoff,
                              __global const int *labels, long loff,
                              __global real *loss, long lossoff,
                              __global real *probs, long poff, int has_probs,
                              __global real *dlogits, long doff,
                              real alpha, real beta, int bz, __local real *lv)
{
    long i = get_group_id(0);
    int l = (int)get_local_id(0), ls = (int)get_local_size(0);
    __global const real *row = logits + xoff + i * n;
    real mx = -INFINITY;
    for (long j = l; j < n; j += ls)
        mx = fmax(mx, row[j]);
    mx = nz_wg_reduce(lv, mx, 1);
    real s = 0;
    for (long j = l; j < n; j += ls)
        s += exp(row[j] - mx);
    s = nz_wg_reduce(lv, s, 0);
    int lab = labels[loff + i];
    int valid = lab >= 0 && (long)lab < n;
    if (!backward) {
        if (l == 0) {
            real v = valid ? (mx + log(s)) - row[lab] : NAN;
            long o = lossoff + i;
            loss[o] = nz_axpby(v, alpha, beta, bz, bz ? (real)0 : loss[o]);
        }
        if (has_probs) {
            real inv = (real)1 / s;
            for (long j = l; j < n; j += ls)
                probs[poff + i * n + j] = exp(row[j] - mx) * inv;
        }
    } else {
        real inv = (real)1 / s;
        for (long j = l; j < n; j += ls) {
            real v = valid ? exp(row[j] - mx) * inv - (j == lab ? (real)1 : (real)0) : NAN;
            long o = doff + i * n + j;
            dlogits[o] = nz_axpby(v, alpha, beta, bz, bz ? (real)0 : dlogits[o]);
        }
    }
}
