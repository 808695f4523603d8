// `longmim synth`: synthetic longitudinal pairs from the phantom or from CT volumes.
#pragma once

#include <QStringList>

namespace longmim::cli {

int synth(const QStringList& arguments);

}  // namespace longmim::cli
