// `longmim config show` and `longmim config keys`.
#pragma once

#include <QStringList>

namespace longmim::cli {

int configShow(const QStringList& arguments);
int configKeys(const QStringList& arguments);

}  // namespace longmim::cli
