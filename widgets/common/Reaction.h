// A user action's behaviour, bound to its QAction as ParaView's reactions are: the action owns its
// reaction, triggering the action calls onTriggered(), and the reaction sets up the action (text,
// name, shortcut, tips) and keeps its enabled state from what it depends on. The main window only
// creates reactions and puts their actions in menus.
#pragma once

#include <QObject>

class QAction;

namespace longmim::studio {

class Reaction : public QObject {
  Q_OBJECT

 public:
  explicit Reaction(QAction* action);
  QAction* action() const { return action_; }

 protected:
  virtual void onTriggered() = 0;

 private:
  QAction* action_;
};

}  // namespace longmim::studio
