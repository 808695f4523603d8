#include "common/Reaction.h"

#include <QAction>

namespace longmim::studio {

Reaction::Reaction(QAction* action) : QObject(action), action_(action) {
  connect(action_, &QAction::triggered, this, [this] { onTriggered(); });
}

}  // namespace longmim::studio
