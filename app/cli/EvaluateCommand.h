// `longmim evaluate`: a checkpoint measured on a dataset against the zeros and subtraction
// baselines.
#pragma once

#include <QStringList>

namespace longmim::cli {

int evaluate(const QStringList& arguments);

}  // namespace longmim::cli
