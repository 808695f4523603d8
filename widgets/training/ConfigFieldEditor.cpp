#include "training/ConfigFieldEditor.h"

#include <cmath>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

#include "common/StatusColors.h"

namespace longmim::studio {
namespace {

// Folders end in _DIR (DATA_DIR, OUTPUT_DIR, TENSORBOARD_DIR); the other paths are weight files.
bool isFolderField(const ConfigField& field) {
  return QString::fromStdString(field.key).endsWith(QStringLiteral("_DIR"));
}

}  // namespace

ConfigFieldEditor::ConfigFieldEditor(const ConfigField& field, QWidget* parent)
    : QWidget(parent), field_(field), key_(QString::fromStdString(field.key)) {
  setObjectName(QStringLiteral("editor_") + key_);
  createInput();
  input_->setObjectName(QStringLiteral("input_") + key_);

  problemLabel_ = new QLabel(this);
  problemLabel_->setObjectName(QStringLiteral("problem_") + key_);
  problemLabel_->setWordWrap(true);
  problemLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  problemLabel_->setStyleSheet(QStringLiteral("color: %1;").arg(errorColor().name()));
  problemLabel_->hide();
  // Without it a long message would widen the whole form instead of wrapping.
  problemLabel_->setMinimumWidth(1);
  noticeLabel_ = new QLabel(this);
  noticeLabel_->setObjectName(QStringLiteral("notice_") + key_);
  noticeLabel_->setWordWrap(true);
  noticeLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  noticeLabel_->setStyleSheet(QStringLiteral("color: %1;").arg(warningColor().name()));
  noticeLabel_->setMinimumWidth(1);
  noticeLabel_->hide();

  inputRow_ = new QHBoxLayout;
  inputRow_->setContentsMargins(0, 0, 0, 0);
  // A checkbox keeps its own width: stretched, clicks right of its box would toggle it too.
  inputRow_->addWidget(input_, field_.isBool() ? 0 : 1);
  if (field_.isPath) {
    browse_ = new QToolButton(this);
    browse_->setObjectName(QStringLiteral("browse_") + key_);
    browse_->setText(QStringLiteral("..."));
    browse_->setToolTip(isFolderField(field_) ? tr("Choose a folder") : tr("Choose a file"));
    connect(browse_, &QToolButton::clicked, this, &ConfigFieldEditor::browse);
    inputRow_->addWidget(browse_);
  }
  if (field_.isBool())
    inputRow_->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(2);
  layout->addLayout(inputRow_);
  layout->addWidget(problemLabel_);
  layout->addWidget(noticeLabel_);
  updateToolTips();
}

void ConfigFieldEditor::createInput() {
  if (field_.isBool()) {
    auto* box = new QCheckBox(this);
    connect(box, &QCheckBox::toggled, this, [this] {
      Q_EMIT edited();
      Q_EMIT committed();
    });
    input_ = box;
    return;
  }
  if (field_.isString() && !field_.choices.empty()) {
    auto* combo = new QComboBox(this);
    for (const std::string& choice : field_.choices)
      combo->addItem(QString::fromStdString(choice));
    connect(combo, &QComboBox::currentIndexChanged, this, &ConfigFieldEditor::edited);
    connect(combo, &QComboBox::activated, this, &ConfigFieldEditor::committed);
    input_ = combo;
    return;
  }
  // Numbers are free text on purpose: a validator would silently swallow what the user typed
  // instead of showing why it is wrong.
  auto* line = new QLineEdit(this);
  line->setClearButtonEnabled(field_.isString());
  connect(line, &QLineEdit::textEdited, this, &ConfigFieldEditor::edited);
  connect(line, &QLineEdit::editingFinished, this, &ConfigFieldEditor::committed);
  input_ = line;
}

QLabel* ConfigFieldEditor::createKeyLabel(QWidget* parent) {
  keyLabel_ = new QLabel(key_, parent);
  keyLabel_->setObjectName(QStringLiteral("label_") + key_);
  keyLabel_->setBuddy(input_);
  updateToolTips();
  return keyLabel_;
}

QLabel* ConfigFieldEditor::addInlineKeyLabel() {
  QLabel* label = createKeyLabel(this);
  inputRow_->insertWidget(0, label);
  return label;
}

void ConfigFieldEditor::showValue(const nlohmann::json& value) {
  const QSignalBlocker blocker(input_);
  if (auto* box = qobject_cast<QCheckBox*>(input_)) {
    box->setChecked(value.get<bool>());
  } else if (auto* combo = qobject_cast<QComboBox*>(input_)) {
    // A value outside the choices (from a hand-edited file) is shown as it is, so that it can be
    // marked, rather than silently replaced by the first choice.
    while (combo->count() > static_cast<int>(field_.choices.size()))
      combo->removeItem(combo->count() - 1);
    const QString text = valueText(value);
    int index = combo->findText(text);
    if (index < 0) {
      combo->addItem(text);
      index = combo->count() - 1;
    }
    combo->setCurrentIndex(index);
  } else {
    auto* line = static_cast<QLineEdit*>(input_);
    line->setText(valueText(value));
    line->setCursorPosition(0);
  }
}

std::optional<nlohmann::json> ConfigFieldEditor::value(QString* problem) const {
  if (auto* box = qobject_cast<QCheckBox*>(input_))
    return nlohmann::json(box->isChecked());
  if (auto* combo = qobject_cast<QComboBox*>(input_))
    return nlohmann::json(combo->currentText().toStdString());
  const QString text = static_cast<QLineEdit*>(input_)->text();
  if (field_.isString())
    return nlohmann::json(text.toStdString());

  const QString trimmed = text.trimmed();
  bool ok = false;
  nlohmann::json parsed;
  if (field_.isInt()) {
    const int v = trimmed.toInt(&ok);
    parsed = v;
  } else {
    const double v = trimmed.toDouble(&ok);
    ok = ok && std::isfinite(v);
    parsed = v;
  }
  if (ok)
    return parsed;
  if (problem) {
    const QString got = trimmed.isEmpty() ? tr("the field is empty") : tr("got '%1'").arg(text);
    *problem =
        tr("%1 must be %2 (%3)").arg(key_, QString::fromStdString(field_.allowedText()), got);
  }
  return std::nullopt;
}

QString ConfigFieldEditor::valueText(const nlohmann::json& value) {
  if (value.is_boolean())
    return value.get<bool>() ? QStringLiteral("true") : QStringLiteral("false");
  if (value.is_string())
    return QString::fromStdString(value.get<std::string>());
  // As the params JSON writes numbers: the shortest text that reads back to the same double
  // ("0.0006", "1e-08", "25.0"), so showing a value and reading it back never changes it.
  return QString::fromStdString(value.dump());
}

void ConfigFieldEditor::setProblem(const QString& message) {
  if (message == problemLabel_->text())
    return;  // re-polishing a style sheet on every keystroke would be wasted work
  problemLabel_->setText(message);
  problemLabel_->setToolTip(message);  // the whole text, where a narrow dock cuts a long word
  problemLabel_->setVisible(!message.isEmpty());
  // Selector by class: a bare declaration would also reach the combo box's popup list.
  input_->setStyleSheet(
      message.isEmpty()
          ? QString()
          : QStringLiteral("%1 { border: 2px solid %2; }")
                .arg(QString::fromLatin1(input_->metaObject()->className()), errorColor().name()));
}

void ConfigFieldEditor::setNotice(const QString& message) {
  if (message == noticeLabel_->text())
    return;
  noticeLabel_->setText(message);
  noticeLabel_->setToolTip(message);
  noticeLabel_->setVisible(!message.isEmpty());
}

QString ConfigFieldEditor::notice() const {
  return noticeLabel_->text();
}

QString ConfigFieldEditor::problem() const {
  return problemLabel_->text();
}

void ConfigFieldEditor::setLockReason(const QString& reason) {
  lockReason_ = reason;
  updateToolTips();
}

QString ConfigFieldEditor::toolTipText() const {
  QString text = QString::fromStdString(field_.help) + QStringLiteral("\n") +
                 tr("Allowed: %1.").arg(QString::fromStdString(field_.allowedText()));
  if (!lockReason_.isEmpty())
    text = lockReason_ + QStringLiteral("\n\n") + text;
  return text;
}

void ConfigFieldEditor::updateToolTips() {
  const QString tip = toolTipText();
  input_->setToolTip(tip);
  if (keyLabel_)
    keyLabel_->setToolTip(tip);
}

void ConfigFieldEditor::browse() {
  auto* line = static_cast<QLineEdit*>(input_);
  const QString current = line->text().trimmed();
  const bool folder = isFolderField(field_);
  QString start = QDir::homePath();
  if (!current.isEmpty()) {
    const QFileInfo info(current);
    start = folder || info.isDir() ? info.absoluteFilePath() : info.absolutePath();
  }
  // Opened window-modal, not exec()'d: the trainer's updates keep flowing while it is open.
  auto* dialog = new QFileDialog(this, tr("Choose %1").arg(key_), start);
  dialog->setObjectName(QStringLiteral("browseDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setFileMode(folder ? QFileDialog::Directory : QFileDialog::ExistingFile);
  if (folder)
    dialog->setOption(QFileDialog::ShowDirsOnly);
  connect(dialog, &QFileDialog::fileSelected, this, [this, line](const QString& path) {
    line->setText(QDir::toNativeSeparators(path));
    Q_EMIT edited();
    Q_EMIT committed();
  });
  dialog->open();
}

}  // namespace longmim::studio
