// `longmim model summary`: parameters per part, output shape and GFLOPs of an architecture.
#pragma once

#include <QStringList>

namespace longmim::cli {

int modelSummary(const QStringList& arguments);

}  // namespace longmim::cli
