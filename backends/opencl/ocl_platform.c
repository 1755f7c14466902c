/* Platform and device enumeration: every device of every platform, in the
 * order the ICD loader reports them.  The list is built once (probe) and
 * read by device_info and open. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocl_internal.h"

static nz_ocl_devdesc *g_devs;
static int g_ndevs;

int nz_ocl_device_count(void)
{
    return g_ndevs;
}

const nz_ocl_devdesc *nz_ocl_device_desc(int index)
{
    return index >= 0 && index < g_ndevs ? &g_devs[index] : NULL;
}

static void nz_str_info(cl_device_id dev, cl_device_info what, char *buf, size_t size)
{
    buf[0] = 0;
    if (clGetDeviceInfo(dev, what, size, buf, NULL) != CL_SUCCESS)
        snprintf(buf, size, "?");
    buf[size - 1] = 0;
    /* Some drivers pad names with spaces. */
    size_t n = strlen(buf);
    while (n && buf[n - 1] == ' ')
        buf[--n] = 0;
}

static int nz_has_ext(cl_device_id dev, const char *ext)
{
    size_t n = 0;
    if (clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, 0, NULL, &n) != CL_SUCCESS || n == 0)
        return 0;
    char *s = malloc(n + 1);
    if (!s)
        return 0;
    int found = 0;
    if (clGetDeviceInfo(dev, CL_DEVICE_EXTENSIONS, n, s, NULL) == CL_SUCCESS) {
        s[n] = 0;
        size_t el = strlen(ext);
        for (const char *p = s; (p = strstr(p, ext)) != NULL; p += el)
            if ((p == s || p[-1] == ' ') && (p[el] == 0 || p[el] == ' '))
                found = 1;
    }
    free(s);
    return found;
}

/* plat, pdev: the platform's index and the device's index within it, as
 * the ICD loader reports them; the detail names them so that the core
 * resolves "opencl:P.D" (core/resolve.c parses "platform P device D"). */
static void nz_describe(nz_ocl_devdesc *dd, unsigned plat, unsigned pdev)
{
    cl_device_id dev = dd->device;
    nz_device_info *in = &dd->info;
    memset(in, 0, sizeof *in);
    nz_str_info(dev, CL_DEVICE_NAME, in->name, sizeof in->name);
    nz_str_info(dev, CL_DEVICE_VENDOR, in->vendor, sizeof in->vendor);
    nz_str_info(dev, CL_DRIVER_VERSION, dd->driver, sizeof dd->driver);
    nz_str_info(dev, CL_DEVICE_VERSION, dd->device_version, sizeof dd->device_version);
    nz_str_info(dev, CL_DEVICE_OPENCL_C_VERSION, dd->c_version, sizeof dd->c_version);
    dd->platform_name[0] = 0;
    clGetPlatformInfo(dd->platform, CL_PLATFORM_NAME, sizeof dd->platform_name,
                      dd->platform_name, NULL);
    dd->platform_name[sizeof dd->platform_name - 1] = 0;

    cl_device_type t = 0;
    clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof t, &t, NULL);
    in->type = (t & CL_DEVICE_TYPE_GPU) ? NZ_DEVICE_GPU
             : (t & CL_DEVICE_TYPE_CPU) ? NZ_DEVICE_CPU
             : (t & CL_DEVICE_TYPE_ACCELERATOR) ? NZ_DEVICE_ACCELERATOR : NZ_DEVICE_OTHER;
    cl_ulong gm = 0, ma = 0, lm = 0;
    clGetDeviceInfo(dev, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof gm, &gm, NULL);
    clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof ma, &ma, NULL);
    clGetDeviceInfo(dev, CL_DEVICE_LOCAL_MEM_SIZE, sizeof lm, &lm, NULL);
    in->global_mem = gm;
    in->max_alloc = ma;
    dd->local_mem = lm;
    cl_uint cu = 0;
    clGetDeviceInfo(dev, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu, &cu, NULL);
    in->compute_units = cu;
    size_t wg = 1;
    clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, NULL);
    dd->max_wg = wg ? wg : 1;
    /* fp64 counts only with the extension and a usable double config: some
     * drivers list the config but no extension, or the reverse. */
    cl_device_fp_config dcfg = 0;
    clGetDeviceInfo(dev, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof dcfg, &dcfg, NULL);
    in->fp64 = nz_has_ext(dev, "cl_khr_fp64") && dcfg != 0;
    cl_device_fp_config scfg = 0;
    clGetDeviceInfo(dev, CL_DEVICE_SINGLE_FP_CONFIG, sizeof scfg, &scfg, NULL);
    dd->correct_div_sqrt = (scfg & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
    dd->hw_fma = (scfg & CL_FP_FMA) && !(scfg & CL_FP_SOFT_FLOAT);
    /* At most 39 + 72 + 52 + 57 + 7 = 227 < 256 bytes: no field is cut off. */
    snprintf(in->detail, sizeof in->detail, "platform %u device %u; %.70s; %.50s; driver %.50s; %s",
             plat, pdev, dd->platform_name, dd->c_version, dd->driver,
             in->fp64 ? "fp64" : "no fp64");
}

nz_status nz_ocl_enumerate(void)
{
    /* Once per load of the plugin: every nz_context_create probes again, and
     * the devices another context has open point into g_devs (their desc),
     * so a rebuilt list would leave them reading freed memory. */
    if (g_ndevs > 0)
        return NZ_OK;
    free(g_devs);
    g_devs = NULL;
    g_ndevs = 0;

    cl_uint np = 0;
    cl_int err = clGetPlatformIDs(0, NULL, &np);
    if (err == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (err == CL_SUCCESS && np == 0))
        return nz_error(NZ_ERR_UNAVAILABLE,
                        "no OpenCL platform: is an ICD such as pocl-opencl-icd or the "
                        "vendor's driver installed (and OCL_ICD_VENDORS, if set, pointing "
                        "at its .icd files)?");
    if (err != CL_SUCCESS)
        return nz_error(NZ_ERR_UNAVAILABLE,
                        "OpenCL: clGetPlatformIDs failed: %s (%d): the ICD loader found no "
                        "usable platform; install an ICD such as pocl-opencl-icd or the "
                        "vendor's driver", nz_ocl_err_name(err), (int)err);
    cl_platform_id *plats = calloc(np, sizeof *plats);
    if (!plats)
        return nz_error(NZ_ERR_NOMEM, "out of memory listing OpenCL platforms");
    clGetPlatformIDs(np, plats, NULL);

    int cap = 0;
    char why[512] = "";
    for (cl_uint p = 0; p < np; p++) {
        cl_uint nd = 0;
        err = clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 0, NULL, &nd);
        if (err != CL_SUCCESS || nd == 0) {
            char pname[128] = "?";
            clGetPlatformInfo(plats[p], CL_PLATFORM_NAME, sizeof pname, pname, NULL);
            pname[sizeof pname - 1] = 0;
            snprintf(why, sizeof why, "platform '%s' has no device (%s)", pname,
                     nz_ocl_err_name(err));
            continue;
        }
        cl_device_id *ids = calloc(nd, sizeof *ids);
        if (!ids) {
            free(plats);
            return nz_error(NZ_ERR_NOMEM, "out of memory listing OpenCL devices");
        }
        clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, nd, ids, NULL);
        for (cl_uint i = 0; i < nd; i++) {
            if (g_ndevs == cap) {
                cap = cap ? 2 * cap : 4;
                nz_ocl_devdesc *n = realloc(g_devs, (size_t)cap * sizeof *n);
                if (!n) {
                    free(ids);
                    free(plats);
                    return nz_error(NZ_ERR_NOMEM, "out of memory listing OpenCL devices");
                }
                g_devs = n;
            }
            nz_ocl_devdesc *dd = &g_devs[g_ndevs++];
            memset(dd, 0, sizeof *dd);
            dd->platform = plats[p];
            dd->device = ids[i];
            nz_describe(dd, p, i);
            nz_debug("opencl", "device %d: %s (%s)", g_ndevs - 1, dd->info.name,
                     dd->info.detail);
        }
        free(ids);
    }
    free(plats);
    if (g_ndevs == 0)
        return nz_error(NZ_ERR_UNAVAILABLE,
                        "OpenCL platforms found but no device: %s; install the device's "
                        "driver or an ICD such as pocl-opencl-icd", why);
    return NZ_OK;
}
