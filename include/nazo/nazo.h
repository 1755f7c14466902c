/* Everything an experiment plugin or an application needs. */
#ifndef NAZO_NAZO_H
#define NAZO_NAZO_H

#include "nazo/status.h"
#include "nazo/plugin.h"
#include "nazo/backend.h"
#include "nazo/core.h"
#include "nazo/tensor.h"
#include "nazo/ops.h"
#include "nazo/experiment.h"
#include "nazo/data.h"
#include "nazo/nn.h"
#include "nazo/checkpoint.h"

#endif
