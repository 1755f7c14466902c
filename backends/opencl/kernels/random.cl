/* Counter-based random fill.  nazo/philox_float.h is prepended to the
 * program source, so these are the very functions the CPU backend and the
 * reference run: the same (seed, stream, counter) gives the same bits. */

__kernel void nz_random(int dist, long count, ulong seed, ulong stream, ulong counter,
                        real p0, real p1, __global real *out, long ooff)
{
    long t = get_global_id(0);
    if (t >= count)
        return;
#if NZ_F64
    out[ooff + t] = nz_rng_f64(dist, seed, stream, counter + (ulong)t, p0, p1);
#else
    out[ooff + t] = nz_rng_f32(dist, seed, stream, counter + (ulong)t, p0, p1);
#endif
}
