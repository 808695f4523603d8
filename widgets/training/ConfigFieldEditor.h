// One field of the hyperparameter form: the input that fits the field's type (checkbox, choice
// list, free text with a browse button for paths) and the inline message of the field's problem.
#pragma once

#include <optional>

#include <QString>
#include <QWidget>

#include <nlohmann/json.hpp>

#include "config/ConfigSchema.h"

class QHBoxLayout;
class QLabel;
class QToolButton;

namespace longmim::studio {

class ConfigFieldEditor : public QWidget {
  Q_OBJECT

 public:
  // `field` must outlive the editor; the entries of configFields() live as long as the program.
  explicit ConfigFieldEditor(const longmim::ConfigField& field, QWidget* parent = nullptr);

  const longmim::ConfigField& field() const { return field_; }
  QString key() const { return key_; }
  // The checkbox, combo box or line edit the user types into.
  QWidget* input() const { return input_; }
  // The "..." button of a path field; nullptr for other fields.
  QToolButton* browseButton() const { return browse_; }
  // A label naming the key, with the field's tooltip, for the form's label column.
  QLabel* createKeyLabel(QWidget* parent);
  // The same label in front of the input, inside the editor (a weight in its loss's row).
  QLabel* addInlineKeyLabel();

  // Shows a value (the field's JSON type) without emitting edited() or committed().
  void showValue(const nlohmann::json& value);
  // The value shown, with the field's JSON type. Numbers are typed as free text: when the text is
  // not a number of the field's type this is empty and `problem` says why, naming the key.
  std::optional<nlohmann::json> value(QString* problem = nullptr) const;
  // A value as `KEY=VALUE` text: "true", "0.0005", "big". Numbers use the shortest text that
  // reads back to the same double, which is also how they are shown.
  static QString valueText(const nlohmann::json& value);

  // Marks the field (red frame) and shows `message` under it; an empty message clears both.
  void setProblem(const QString& message);
  QString problem() const;
  // A warning under the field (a valid value that is probably not what was meant); it does not
  // block a run. Empty clears it.
  void setNotice(const QString& message);
  QString notice() const;

  // Why the field cannot change now (shown first in its tooltip); empty when it can.
  void setLockReason(const QString& reason);
  QString toolTipText() const;

 Q_SIGNALS:
  // The user changed the value (every keystroke, toggle or selection).
  void edited();
  // The user finished a change: toggled, selected, pressed Return or left the field.
  void committed();

 private:
  void createInput();
  void browse();
  void updateToolTips();

  const longmim::ConfigField& field_;
  QString key_;
  QWidget* input_ = nullptr;
  QHBoxLayout* inputRow_ = nullptr;
  QToolButton* browse_ = nullptr;
  QLabel* problemLabel_ = nullptr;
  QLabel* noticeLabel_ = nullptr;
  QLabel* keyLabel_ = nullptr;
  QString lockReason_;
};

}  // namespace longmim::studio
