/* Parameters: a value and its gradient, side by side on one device. */
#include <stdio.h>
#include <string.h>

#include "nazo/nn.h"

nz_status nz_param_init(nz_param *p, nz_device *dev, nz_dtype dtype, int ndim,
                        const int64_t *shape, const char *name)
{
    if (!p)
        return nz_error(NZ_ERR_INVALID, "nz_param_init: param is NULL");
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name ? name : "param");
    if (dtype != NZ_F32 && dtype != NZ_F64)
        return nz_error(NZ_ERR_INVALID, "nz_param_init: '%s': dtype %s: use NZ_F32 or NZ_F64",
                        p->name, nz_dtype_name(dtype));
    p->value = nz_tensor_create(dev, dtype, ndim, shape);
    p->grad = p->value ? nz_tensor_zeros(dev, dtype, ndim, shape) : NULL;
    if (!p->grad) {
        nz_status st = nz_error_prefix(NZ_ERR_NOMEM, "nz_param_init: '%s'", p->name);
        nz_param_release(p);
        return st;
    }
    return NZ_OK;
}

void nz_param_release(nz_param *p)
{
    if (!p)
        return;
    nz_tensor_free(p->value);
    nz_tensor_free(p->grad);
    p->value = p->grad = NULL;
}
