// `longmim data check DIR [--json]`: the validation report of a dataset folder.
#pragma once

#include <QStringList>

namespace longmim::cli {

int dataCheck(const QStringList& arguments);

}  // namespace longmim::cli
