// A titled block of a long form that the user folds away with a click on its header, so the
// groups they are not working on take one line.
#pragma once

#include <QString>
#include <QWidget>

class QToolButton;

namespace longmim::studio {

class CollapsibleSection : public QWidget {
  Q_OBJECT

 public:
  explicit CollapsibleSection(const QString& title, QWidget* parent = nullptr);

  // Holds the section's contents; give it a layout.
  QWidget* body() const { return body_; }
  QToolButton* header() const { return header_; }

  bool isExpanded() const;
  void setExpanded(bool expanded);

  // Shown in the header ("Augmentation — 2 problems", in red) so problems inside a folded section
  // are not missed; a section unfolds when it gets its first problem.
  void setProblemCount(int count);
  int problemCount() const { return problemCount_; }

 private:
  void updateHeader();

  QString title_;
  QToolButton* header_ = nullptr;
  QWidget* body_ = nullptr;
  int problemCount_ = 0;
};

}  // namespace longmim::studio
