/* From the raw per-layer sums to norms, ratios and the mean-field factor.
 *
 * Mean field (Schoenholz et al. 2017): for delta_l = phi'(z_l) * (delta_{l+1}
 * W_{l+1}^T) with W entries of variance sigma_w^2 independent of delta,
 *   E||delta_l||^2 = chi_l ||delta_{l+1}||^2,
 *   chi_l = sigma_w^2 * fan_in(W_{l+1}) * E[phi'(z_l)^2],
 * so the norm changes by sqrt(chi) per layer.  Here E[phi'^2] is the mean
 * over the very pre-activations the probe produced, and sigma_w^2 the mean
 * square of the weights, so theory and measurement see the same net. */
#include <math.h>

#include "gf.h"

double gf_chi(double sumsq_w, int64_t w_in, int64_t w_out, double sum_phi2, int64_t count)
{
    double sigma2 = sumsq_w / ((double)w_in * (double)w_out);
    return sigma2 * (double)w_in * (sum_phi2 / (double)count);
}

double gf_log10(double ln)
{
    return ln / log(10.0);
}

void gf_profile_assemble(const double *raw, int nl, const int64_t *fan_in,
                         const int64_t *fan_out, int64_t m, double loss, gf_profile *p)
{
    p->nl = nl;
    p->m = m;
    p->loss = loss;
    /* ln of the scale that the normalised delta of layer l carries: the sum
     * of ln maxabs from the top down to l.  A zero maxabs means the delta
     * below is exactly zero (the chain is linear in it), so -inf sticks even
     * though the device then divides 0 by 0. */
    double scale = 0;
    for (int l = nl - 1; l >= 0; l--) {
        const double *s = raw + l * GF_S_COUNT;
        if (!(isinf(scale) && scale < 0)) scale += log(s[GF_S_MAXABS]);
        if (isinf(scale) && scale < 0) {
            p->ln_dz[l] = p->ln_dw[l] = -INFINITY;
        } else {
            p->ln_dz[l] = scale + 0.5 * log(s[GF_S_SUMSQ_D]);
            p->ln_dw[l] = scale + 0.5 * log(s[GF_S_SUMSQ_GW]);
        }
    }
    double pred = 0, meas = 0;
    for (int l = 0; l < nl - 1; l++) {
        const double *s = raw + l * GF_S_COUNT, *up = raw + (l + 1) * GF_S_COUNT;
        int64_t count = m * fan_out[l];
        p->chi[l] = gf_chi(up[GF_S_SUMSQ_W], fan_in[l + 1], fan_out[l + 1], s[GF_S_PHI2], count);
        p->sat_frac[l] = s[GF_S_SAT] / (double)count;
        pred += 0.5 * log(p->chi[l]);
    }
    int steps = nl - 1;
    /* The geometric mean of the successive ratios telescopes to the end-to-end
     * ratio; -inf (a zero gradient) gives a factor of exactly 0. */
    meas = p->ln_dz[0] - p->ln_dz[nl - 1];
    p->ln_factor_meas = steps > 0 ? meas / steps : NAN;
    p->ln_factor_pred = steps > 0 ? pred / steps : NAN;
}
