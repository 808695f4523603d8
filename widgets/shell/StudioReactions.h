// The reactions of the studio's File and Help menus and of Training > Evaluate: each asks the user
// what it needs (a folder, files, a checkpoint) and hands it to the window's parts. Each sets up
// its own action (text, object name, shortcut, tips); see common/Reaction.h.
#pragma once

#include "common/Reaction.h"

class QAction;

namespace longmim::studio {

class MainWindow;

// Where a folder or file dialog starts: the open dataset, else the last one, else home.
QString browseStartFolder(const MainWindow& window);

// File > Open Dataset: the chosen folder becomes the studio's dataset.
class OpenDatasetReaction : public Reaction {
  Q_OBJECT
 public:
  OpenDatasetReaction(QAction* action, MainWindow* window);

 protected:
  void onTriggered() override;

 private:
  MainWindow* window_;
};

// File > Open Demo Dataset.
class OpenDemoDatasetReaction : public Reaction {
  Q_OBJECT
 public:
  OpenDemoDatasetReaction(QAction* action, MainWindow* window);

 protected:
  void onTriggered() override;

 private:
  MainWindow* window_;
};

// File > Check Dataset: every problem of a folder in a dialog, which can then open it.
class CheckDatasetReaction : public Reaction {
  Q_OBJECT
 public:
  CheckDatasetReaction(QAction* action, MainWindow* window);

 protected:
  void onTriggered() override;

 private:
  MainWindow* window_;
};

// File > Open Pair in Viewer: a prior, a current and optionally a ground truth.
class OpenPairReaction : public Reaction {
  Q_OBJECT
 public:
  OpenPairReaction(QAction* action, MainWindow* window);

 protected:
  void onTriggered() override;

 private:
  MainWindow* window_;
};

// File > Export Viewer as PNG.
class ExportViewerReaction : public Reaction {
  Q_OBJECT
 public:
  ExportViewerReaction(QAction* action, MainWindow* window);

 protected:
  void onTriggered() override;

 private:
  MainWindow* window_;
};

// Training > Evaluate Checkpoint: a checkpoint against the baselines, in a dialog.
class EvaluateCheckpointReaction : public Reaction {
  Q_OBJECT
 public:
  EvaluateCheckpointReaction(QAction* action, MainWindow* window);

 protected:
  void onTriggered() override;

 private:
  MainWindow* window_;
};

// Help > About.
class AboutReaction : public Reaction {
  Q_OBJECT
 public:
  AboutReaction(QAction* action, MainWindow* window);

 protected:
  void onTriggered() override;

 private:
  MainWindow* window_;
};

}  // namespace longmim::studio
