/* Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations in
 * double: J J^T is only k x k (k = 10 classes), so a host routine is the
 * simplest exact tool; the device did the O(k * width * depth) work. */
#include <math.h>
#include <stdlib.h>

#include "gf.h"

static int cmp_desc(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a < b) - (a > b);
}

int gf_sym_eigenvalues(double *a, int n, double *w)
{
    int sweep;
    for (sweep = 0; sweep < 100; sweep++) {
        double off = 0, total = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                total += a[i * n + j] * a[i * n + j];
                if (i != j) off += a[i * n + j] * a[i * n + j];
            }
        if (off <= 1e-30 * total || total == 0) break;
        for (int p = 0; p < n - 1; p++)
            for (int q = p + 1; q < n; q++) {
                double apq = a[p * n + q];
                if (apq == 0) continue;
                /* The rotation that zeroes a[p][q] (Golub & Van Loan 8.5.2). */
                double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; k++) { /* columns p, q */
                    double akp = a[k * n + p], akq = a[k * n + q];
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++) { /* rows p, q */
                    double apk = a[p * n + k], aqk = a[q * n + k];
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
    }
    for (int i = 0; i < n; i++) w[i] = a[i * n + i];
    qsort(w, (size_t)n, sizeof *w, cmp_desc);
    return sweep < 100 ? sweep : -1;
}
