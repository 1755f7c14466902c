/* Helpers for the files that instantiate one body for float and double:
 * define T (float or double) and SFX (f32 or f64), then include the body.
 * M(fn) names the libm function for T: M(exp) is expf or exp. */
#ifndef NAZO_CPU_TMPL_H
#define NAZO_CPU_TMPL_H
#define NZ_CAT_(a, b) a##_##b
#define NZ_CAT(a, b) NZ_CAT_(a, b)
#endif
