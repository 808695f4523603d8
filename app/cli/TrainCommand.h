// `longmim train`: the seed's training command line on the core Trainer.
#pragma once

#include <QStringList>

namespace longmim::cli {

int train(const QStringList& arguments);

}  // namespace longmim::cli
