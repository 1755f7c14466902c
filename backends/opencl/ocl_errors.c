/* OpenCL error codes as names, and the one place that turns a failed CL call
 * into an nz_error message saying what failed, where, and what to try. */
#include "ocl_internal.h"

const char *nz_ocl_err_name(cl_int err)
{
    switch (err) {
#define NZ_E(x) case x: return #x;
    NZ_E(CL_SUCCESS) NZ_E(CL_DEVICE_NOT_FOUND) NZ_E(CL_DEVICE_NOT_AVAILABLE)
    NZ_E(CL_COMPILER_NOT_AVAILABLE) NZ_E(CL_MEM_OBJECT_ALLOCATION_FAILURE)
    NZ_E(CL_OUT_OF_RESOURCES) NZ_E(CL_OUT_OF_HOST_MEMORY)
    NZ_E(CL_PROFILING_INFO_NOT_AVAILABLE) NZ_E(CL_MEM_COPY_OVERLAP)
    NZ_E(CL_IMAGE_FORMAT_MISMATCH) NZ_E(CL_IMAGE_FORMAT_NOT_SUPPORTED)
    NZ_E(CL_BUILD_PROGRAM_FAILURE) NZ_E(CL_MAP_FAILURE)
    NZ_E(CL_MISALIGNED_SUB_BUFFER_OFFSET)
    NZ_E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
    NZ_E(CL_COMPILE_PROGRAM_FAILURE) NZ_E(CL_LINKER_NOT_AVAILABLE)
    NZ_E(CL_LINK_PROGRAM_FAILURE) NZ_E(CL_DEVICE_PARTITION_FAILED)
    NZ_E(CL_KERNEL_ARG_INFO_NOT_AVAILABLE)
    NZ_E(CL_INVALID_VALUE) NZ_E(CL_INVALID_DEVICE_TYPE) NZ_E(CL_INVALID_PLATFORM)
    NZ_E(CL_INVALID_DEVICE) NZ_E(CL_INVALID_CONTEXT) NZ_E(CL_INVALID_QUEUE_PROPERTIES)
    NZ_E(CL_INVALID_COMMAND_QUEUE) NZ_E(CL_INVALID_HOST_PTR) NZ_E(CL_INVALID_MEM_OBJECT)
    NZ_E(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR) NZ_E(CL_INVALID_IMAGE_SIZE)
    NZ_E(CL_INVALID_SAMPLER) NZ_E(CL_INVALID_BINARY) NZ_E(CL_INVALID_BUILD_OPTIONS)
    NZ_E(CL_INVALID_PROGRAM) NZ_E(CL_INVALID_PROGRAM_EXECUTABLE)
    NZ_E(CL_INVALID_KERNEL_NAME) NZ_E(CL_INVALID_KERNEL_DEFINITION)
    NZ_E(CL_INVALID_KERNEL) NZ_E(CL_INVALID_ARG_INDEX) NZ_E(CL_INVALID_ARG_VALUE)
    NZ_E(CL_INVALID_ARG_SIZE) NZ_E(CL_INVALID_KERNEL_ARGS)
    NZ_E(CL_INVALID_WORK_DIMENSION) NZ_E(CL_INVALID_WORK_GROUP_SIZE)
    NZ_E(CL_INVALID_WORK_ITEM_SIZE) NZ_E(CL_INVALID_GLOBAL_OFFSET)
    NZ_E(CL_INVALID_EVENT_WAIT_LIST) NZ_E(CL_INVALID_EVENT) NZ_E(CL_INVALID_OPERATION)
    NZ_E(CL_INVALID_GL_OBJECT) NZ_E(CL_INVALID_BUFFER_SIZE) NZ_E(CL_INVALID_MIP_LEVEL)
    NZ_E(CL_INVALID_GLOBAL_WORK_SIZE) NZ_E(CL_INVALID_PROPERTY)
    NZ_E(CL_INVALID_IMAGE_DESCRIPTOR) NZ_E(CL_INVALID_COMPILER_OPTIONS)
    NZ_E(CL_INVALID_LINKER_OPTIONS) NZ_E(CL_INVALID_DEVICE_PARTITION_COUNT)
#undef NZ_E
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
    default: return "unknown OpenCL error";
    }
}

static const char *nz_ocl_hint(cl_int err)
{
    switch (err) {
    case CL_MEM_OBJECT_ALLOCATION_FAILURE:
    case CL_OUT_OF_RESOURCES:
    case CL_OUT_OF_HOST_MEMORY:
        return "the device ran out of memory or resources: use smaller tensors or batches";
    case CL_INVALID_BUFFER_SIZE:
        return "the buffer is larger than the device allows (CL_DEVICE_MAX_MEM_ALLOC_SIZE)";
    case -1001:
    case CL_DEVICE_NOT_FOUND:
        return "is an ICD such as pocl-opencl-icd or the vendor driver installed?";
    case CL_BUILD_PROGRAM_FAILURE:
        return "the build log follows";
    default:
        return "this is a driver or nazo bug; NAZO_DEBUG=opencl traces the calls";
    }
}

nz_status nz_ocl_fail(cl_int err, const char *call, const char *where)
{
    nz_status s = NZ_ERR_DEVICE;
    if (err == CL_MEM_OBJECT_ALLOCATION_FAILURE || err == CL_OUT_OF_HOST_MEMORY ||
        err == CL_INVALID_BUFFER_SIZE)
        s = NZ_ERR_NOMEM;
    /* `call` may be the whole stringised call expression: keep its name. */
    int len = 0;
    while (call[len] && call[len] != '(' && len < 64)
        len++;
    return nz_error(s, "OpenCL: %.*s failed in %s: %s (%d): %s", len, call, where,
                    nz_ocl_err_name(err), (int)err, nz_ocl_hint(err));
}
