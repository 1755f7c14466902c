/* Names and sizes of the device interface's enums, for messages. */
#include "nazo/backend.h"

size_t nz_dtype_size(nz_dtype dt)
{
    switch (dt) {
    case NZ_F32: return 4;
    case NZ_F64: return 8;
    case NZ_I32: return 4;
    }
    return 0;
}

const char *nz_dtype_name(nz_dtype dt)
{
    switch (dt) {
    case NZ_F32: return "f32";
    case NZ_F64: return "f64";
    case NZ_I32: return "i32";
    }
    return "?";
}

const char *nz_op_name(nz_op op)
{
    static const char *const names[NZ_OP_COUNT] = {
        [NZ_OP_GEMM] = "gemm", [NZ_OP_UNARY] = "unary", [NZ_OP_BINARY] = "binary",
        [NZ_OP_REDUCE] = "reduce", [NZ_OP_SOFTMAX_XENT] = "softmax_xent",
        [NZ_OP_GATHER_ROWS] = "gather_rows", [NZ_OP_RANDOM] = "random",
        [NZ_OP_SGD] = "sgd", [NZ_OP_ADAM] = "adam", [NZ_OP_COPY2D] = "copy2d",
        [NZ_OP_CAST] = "cast", [NZ_OP_ONEHOT] = "onehot", [NZ_OP_CHOLESKY] = "cholesky",
        [NZ_OP_TRSM] = "trsm",
    };
    return (unsigned)op < NZ_OP_COUNT ? names[op] : "?";
}
