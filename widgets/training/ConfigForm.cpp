#include "training/ConfigForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSet>
#include <QVBoxLayout>

#include <exception>
#include <map>

#include "Error.h"
#include "common/CollapsibleSection.h"
#include "common/ErrorBox.h"
#include "config/ConfigJson.h"
#include "config/ConfigValidation.h"
#include "config/Presets.h"
#include "loss/LossTerms.h"
#include "training/ConfigFieldEditor.h"

namespace longmim::studio {
namespace {

constexpr ConfigGroup kGroups[] = {ConfigGroup::Data,   ConfigGroup::Augmentation,
                                   ConfigGroup::Model,  ConfigGroup::Optimisation,
                                   ConfigGroup::Losses, ConfigGroup::Output};

// Described like a schema field so that it is edited, checked and shown like one.
const ConfigField& lrMultiplierField() {
  static const ConfigField field = [] {
    ConfigField f;
    f.key = "LR_MULTIPLIER";
    f.group = ConfigGroup::Optimisation;
    f.member = static_cast<double TrainingConfig::*>(nullptr);  // not stored in the config
    f.help =
        "Multiplies the learning rate of the running run from its next optimizer step on; 1 "
        "follows the one-cycle schedule as planned. Available while a run is active.";
    f.min = 0.0;
    f.minExclusive = true;
    f.runEdit = RunEdit::Live;
    return f;
  }();
  return field;
}

QString lockReason(const ConfigField& field) {
  QString consequence;
  if (field.key == "IMG_SIZE" || field.group == ConfigGroup::Model) {
    consequence = ConfigForm::tr("would need a new model");
  } else {
    switch (field.group) {
      case ConfigGroup::Data:
        consequence = ConfigForm::tr("would change the data the run was started on");
        break;
      case ConfigGroup::Augmentation:
        consequence = ConfigForm::tr("would change the augmentation the run was started with");
        break;
      case ConfigGroup::Optimisation:
        consequence = ConfigForm::tr("would change the optimizer or its schedule mid-run");
        break;
      case ConfigGroup::Losses:
        consequence = ConfigForm::tr("would change how the losses are computed mid-run");
        break;
      case ConfigGroup::Output:
        consequence = ConfigForm::tr("would change where the run writes its files");
        break;
      case ConfigGroup::Model:
        break;
    }
  }
  return ConfigForm::tr(
             "Fixed for the whole run: changing %1 %2. Loss toggles, lambdas and the LR "
             "multiplier can change while a run is active.")
      .arg(QString::fromStdString(field.key), consequence);
}

void copyField(const ConfigField& field, const TrainingConfig& from, TrainingConfig& to) {
  std::visit([&](auto member) { to.*member = from.*member; }, field.member);
}

}  // namespace

const QString ConfigForm::lrMultiplierKey = QStringLiteral("LR_MULTIPLIER");

ConfigForm::ConfigForm(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("configForm"));
  QWidget* toolBar = createToolBar();
  auto* scroll = new QScrollArea(this);
  scroll->setObjectName(QStringLiteral("configScrollArea"));
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  scroll->setWidget(createSections());

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(toolBar);
  layout->addWidget(scroll, 1);
  setConfig(TrainingConfig());
}

QWidget* ConfigForm::createToolBar() {
  auto* bar = new QWidget(this);
  ConfigFieldEditor* picker = addEditor(*findConfigField("PRESET"), bar);
  picker->input()->setObjectName(QStringLiteral("presetPicker"));
  auto* label = picker->createKeyLabel(bar);
  label->setText(tr("Preset"));
  keyLabels_.insert(picker->key(), label);

  loadButton_ = new QPushButton(tr("Load…"), bar);
  loadButton_->setObjectName(QStringLiteral("loadConfigButton"));
  loadButton_->setToolTip(tr("Replace the form's values with a params JSON file"));
  connect(loadButton_, &QPushButton::clicked, this, &ConfigForm::chooseFileToLoad);
  saveButton_ = new QPushButton(tr("Save…"), bar);
  saveButton_->setObjectName(QStringLiteral("saveConfigButton"));
  saveButton_->setToolTip(tr("Write the form's values to a params JSON file"));
  connect(saveButton_, &QPushButton::clicked, this, &ConfigForm::chooseFileToSave);

  auto* layout = new QHBoxLayout(bar);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(label, 0, Qt::AlignTop);
  layout->addWidget(picker, 1);
  layout->addWidget(loadButton_, 0, Qt::AlignTop);
  layout->addWidget(saveButton_, 0, Qt::AlignTop);
  return bar;
}

QWidget* ConfigForm::createSections() {
  auto* content = new QWidget;
  content->setObjectName(QStringLiteral("configSections"));
  auto* layout = new QVBoxLayout(content);
  for (ConfigGroup group : kGroups) {
    auto* section = new CollapsibleSection(QString::fromLatin1(groupName(group)), content);
    section->setObjectName(QStringLiteral("section_") + QString::fromLatin1(groupName(group)));
    auto* form = new QFormLayout(section->body());
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // Narrow docks put long rows' fields under their label, but a loss stays one row: its toggle
    // and its weights belong together.
    form->setRowWrapPolicy(group == ConfigGroup::Losses ? QFormLayout::DontWrapRows
                                                        : QFormLayout::WrapLongRows);
    sections_.emplace_back(group, section);
    layout->addWidget(section);
  }
  layout->addStretch(1);

  for (const ConfigField& field : configFields()) {
    // Each loss is one row of the form: its toggle and the weights that only matter while it is
    // on (core's table, loss/LossTerms.h).
    const loss::LossToggle* row = loss::lossToggleOf(field.key);
    if (field.key == "PRESET" || (row && field.key != row->toggle))
      continue;  // the picker sits in the tool bar; lambdas join their toggle's row
    CollapsibleSection* section = sectionFor(field.group);
    ConfigFieldEditor* editor = addEditor(field, section->body());
    if (row) {
      std::vector<ConfigFieldEditor*> lambdas;
      for (const loss::LossTerm& term : row->terms) {
        lambdas.push_back(addEditor(*findConfigField(term.lambda), section->body()));
        toggleOfLambda_.insert(QString::fromLatin1(term.lambda), editor->key());
      }
      addLossRow(section, editor, lambdas);
    } else {
      addRow(section, editor);
    }
    if (field.key == "MAX_LR") {
      lrMultiplier_ = addEditor(lrMultiplierField(), section->body());
      addRow(section, lrMultiplier_);
    }
  }
  return content;
}

ConfigFieldEditor* ConfigForm::addEditor(const ConfigField& field, QWidget* parent) {
  auto* editor = new ConfigFieldEditor(field, parent);
  editors_.insert(editor->key(), editor);
  orderedEditors_.push_back(editor);
  connect(editor, &ConfigFieldEditor::edited, this, [this, editor] { onEdited(editor); });
  connect(editor, &ConfigFieldEditor::committed, this, [this, editor] { onCommitted(editor); });
  return editor;
}

void ConfigForm::addRow(CollapsibleSection* section, ConfigFieldEditor* editor) {
  auto* form = static_cast<QFormLayout*>(section->body()->layout());
  QLabel* label = editor->createKeyLabel(section->body());
  keyLabels_.insert(editor->key(), label);
  form->addRow(label, editor);
}

void ConfigForm::addLossRow(CollapsibleSection* section, ConfigFieldEditor* toggle,
                            const std::vector<ConfigFieldEditor*>& lambdas) {
  static_cast<QCheckBox*>(toggle->input())->setText(toggle->key());
  auto* weights = new QWidget(section->body());
  weights->setObjectName(QStringLiteral("lossRow_") + toggle->key());
  auto* row = new QHBoxLayout(weights);
  row->setContentsMargins(0, 0, 0, 0);
  for (ConfigFieldEditor* lambda : lambdas) {
    lambda->setParent(weights);
    lambda->addInlineKeyLabel();  // inside the editor: the label follows its enabled state
    row->addWidget(lambda, 1);
  }
  auto* form = static_cast<QFormLayout*>(section->body()->layout());
  form->addRow(toggle, weights);
}

void ConfigForm::setConfig(const TrainingConfig& config) {
  accepted_ = config;
  for (ConfigFieldEditor* editor : orderedEditors_) {
    if (editor != lrMultiplier_)
      editor->showValue(configValue(config, editor->field()));
  }
  lrMultiplier_->showValue(1.0);
  revalidate();
  updateEnabledStates();
  if (runActive_)
    rememberLiveValues();
}

TrainingConfig ConfigForm::config() const {
  return accepted_;
}

bool ConfigForm::isValid() const {
  return problems_.empty();
}

QStringList ConfigForm::problems() const {
  QStringList lines;
  for (const auto& [key, message] : problems_)
    lines << key + QStringLiteral(": ") + message;
  return lines;
}

void ConfigForm::setRunActive(bool active) {
  if (active == runActive_)
    return;
  runActive_ = active;
  for (ConfigFieldEditor* editor : orderedEditors_) {
    if (editor->field().runEdit == RunEdit::Locked)
      editor->setLockReason(active ? lockReason(editor->field()) : QString());
  }
  // A run starts at 1 and the multiplier dies with it: nothing stale is left for the next run.
  if (!active) {
    lrMultiplier_->showValue(1.0);
    revalidate();
  }
  updateEnabledStates();
  if (active)
    rememberLiveValues();
}

void ConfigForm::setLrMultiplier(double multiplier) {
  lrMultiplier_->showValue(multiplier);
  revalidate();
  liveValues_.insert(lrMultiplierKey, ConfigFieldEditor::valueText(multiplier));
}

double ConfigForm::lrMultiplier() const {
  return acceptedLrMultiplier_;
}

QWidget* ConfigForm::editorFor(const QString& key) const {
  ConfigFieldEditor* editor = editors_.value(key);
  return editor ? editor->input() : nullptr;
}

QString ConfigForm::problemFor(const QString& key) const {
  ConfigFieldEditor* editor = editors_.value(key);
  return editor ? editor->problem() : QString();
}

CollapsibleSection* ConfigForm::sectionFor(ConfigGroup group) const {
  for (const auto& [g, section] : sections_) {
    if (g == group)
      return section;
  }
  return nullptr;
}

void ConfigForm::onEdited(ConfigFieldEditor* editor) {
  revalidate();
  if (editor == lrMultiplier_)
    return;  // not part of the configuration
  updateEnabledStates();
  Q_EMIT configEdited();
}

void ConfigForm::onCommitted(ConfigFieldEditor* editor) {
  if (editor->key() == QLatin1String("PRESET")) {
    applyPreset(static_cast<QComboBox*>(editor->input())->currentText());
    return;
  }
  if (!runActive_ || editor->field().runEdit != RunEdit::Live || !editor->isEnabled())
    return;
  const auto value = editor->value();
  if (!value || !editor->problem().isEmpty())
    return;
  // The trainer refuses an edit that leaves its configuration invalid (USE_PERC_STYLE without
  // VGG_WEIGHTS); the form marks the problem instead of sending it.
  if (editor != lrMultiplier_ && !validateConfig(accepted_).empty())
    return;
  const QString text = ConfigFieldEditor::valueText(*value);
  if (liveValues_.value(editor->key()) == text)
    return;  // leaving an unchanged field is not an edit
  liveValues_.insert(editor->key(), text);
  Q_EMIT liveEditRequested(editor->key(), *value);
}

void ConfigForm::revalidate() {
  TrainingConfig shown = accepted_;
  QHash<QString, QStringList> messages;
  for (ConfigFieldEditor* editor : orderedEditors_) {
    QString problem;
    const auto value = editor->value(&problem);
    if (!value) {
      messages[editor->key()] << problem;
    } else if (editor == lrMultiplier_) {
      if (!(value->get<double>() > 0.0)) {
        messages[editor->key()] << tr("%1 must be %2 (got %3)")
                                       .arg(editor->key(),
                                            QString::fromStdString(editor->field().allowedText()),
                                            QString::number(value->get<double>()));
      }
    } else {
      setConfigValue(shown, editor->field(), *value, "form");
    }
  }
  // A text that does not parse keeps its last valid value in `shown`: what validateConfig says
  // about that value is not what the user sees, so the parse message stands alone.
  const QSet<QString> unparsed(messages.keyBegin(), messages.keyEnd());
  for (const ConfigProblem& p : validateConfig(shown)) {
    const QString key = QString::fromStdString(p.key);
    if (!unparsed.contains(key))
      messages[key] << QString::fromStdString(p.message);
  }

  const bool wasValid = problems_.empty();
  problems_.clear();
  std::map<ConfigGroup, int> perGroup;
  for (ConfigFieldEditor* editor : orderedEditors_) {
    const QStringList found = messages.value(editor->key());
    editor->setProblem(found.join(QLatin1Char('\n')));
    for (const QString& message : found)
      problems_.emplace_back(editor->key(), message);
    perGroup[editor->field().group] += static_cast<int>(found.size());
    if (!found.isEmpty())
      continue;
    if (editor == lrMultiplier_)
      acceptedLrMultiplier_ = lrMultiplier_->value()->get<double>();
    else
      copyField(editor->field(), shown, accepted_);
  }
  for (const auto& [group, section] : sections_)
    section->setProblemCount(perGroup[group]);
  QMap<QString, QStringList> notices;
  for (const ConfigProblem& w : configWarnings(shown))
    notices[QString::fromStdString(w.key)] << QString::fromStdString(w.message);
  for (ConfigFieldEditor* editor : orderedEditors_)
    editor->setNotice(notices.value(editor->key()).join(QLatin1Char('\n')));
  if (problems_.empty() != wasValid)
    Q_EMIT validityChanged(problems_.empty());
}

void ConfigForm::updateEnabledStates() {
  for (ConfigFieldEditor* editor : orderedEditors_) {
    bool enabled = !(runActive_ && editor->field().runEdit == RunEdit::Locked);
    if (editor == lrMultiplier_)
      enabled = runActive_;
    const QString toggle = toggleOfLambda_.value(editor->key());
    if (!toggle.isEmpty())
      enabled = enabled && static_cast<QCheckBox*>(editors_.value(toggle)->input())->isChecked();
    editor->setEnabled(enabled);
    if (QLabel* label = keyLabels_.value(editor->key()))
      label->setEnabled(enabled);
  }
  loadButton_->setEnabled(!runActive_);
}

void ConfigForm::rememberLiveValues() {
  liveValues_.clear();
  for (ConfigFieldEditor* editor : orderedEditors_) {
    if (editor->field().runEdit != RunEdit::Live)
      continue;
    if (const auto value = editor->value())
      liveValues_.insert(editor->key(), ConfigFieldEditor::valueText(*value));
  }
}

}  // namespace longmim::studio
