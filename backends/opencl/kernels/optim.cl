/* Fused optimizer updates, one work-item per parameter. */

__kernel void nz_sgd(long count, __global real *w, long woff, __global const real *g, long goff,
                     __global real *v, long voff, real lr, real momentum, real wd, int nesterov)
{
    long t = get_global_id(0);
    if (t >= count)
        return;
    real wv = w[woff + t];
    real gp = g[goff + t] + wd * wv;
    if (momentum == (real)0) {
        w[woff + t] = wv - lr * gp;
        return;
    }
    real vv = momentum * v[voff + t] + gp;
    v[voff + t] = vv;
    w[woff + t] = wv - lr * (nesterov ? gp + momentum * vv : vv);
}

__kernel void nz_adam(long count, __global real *w, long woff, __global const real *g, long goff,
                      __global real *m, long moff, __global real *v, long voff,
                      real lr, real beta1, real beta2, real eps, real wd,
                      real bias1, real bias2, int decoupled)
{
    long t = get_global_id(0);
    if (t >= count)
        return;
    real wv = w[woff + t];
    real gp = g[goff + t] + (decoupled ? (real)0 : wd * wv);
    real mv = beta1 * m[moff + t] + ((real)1 - beta1) * gp;
    real vv = beta2 * v[voff + t] + ((real)1 - beta2) * gp * gp;
    m[moff + t] = mv;
    v[voff + t] = vv;
    real upd = (mv / bias1) / (sqrt(vv / bias2) + eps) + (decoupled ? wd * wv : (real)0);
    w[woff + t] = wv - lr * upd;
}
