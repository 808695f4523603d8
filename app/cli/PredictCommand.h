// `longmim predict`: a checkpoint applied to one pair or a whole dataset.
#pragma once

#include <QStringList>

namespace longmim::cli {

int predict(const QStringList& arguments);

}  // namespace longmim::cli
