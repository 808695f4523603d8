// The studio's hyperparameter form: every TrainingConfig field grouped as in the schema, invalid
// values marked inline, presets, params JSON load/save, and live edits while a run is active.
#pragma once

#include <utility>
#include <vector>

#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <nlohmann/json.hpp>

#include "config/ConfigSchema.h"
#include "config/TrainingConfig.h"

class QLabel;
class QPushButton;

namespace longmim::studio {

class CollapsibleSection;
class ConfigFieldEditor;

class ConfigForm : public QWidget {
  Q_OBJECT

 public:
  // Not a config key: the factor the running trainer applies to its scheduled learning rate.
  static const QString lrMultiplierKey;  // "LR_MULTIPLIER"

  explicit ConfigForm(QWidget* parent = nullptr);

  // Fills every editor (and resets the LR multiplier to 1); marks only what `config` gets wrong.
  void setConfig(const longmim::TrainingConfig& config);
  // The values shown; a field that is marked invalid contributes its last valid value.
  longmim::TrainingConfig config() const;
  // No field is marked: every text parses and validateConfig() has nothing to say.
  bool isValid() const;
  // "KEY: message" per problem, in the form's order, for a status line.
  QStringList problems() const;

  // While a run is running or paused: fields that are fixed for the run are disabled (their
  // tooltip says why), live fields stay editable and send liveEditRequested, the LR multiplier
  // is enabled, the preset picker and Load are disabled.
  void setRunActive(bool active);
  bool isRunActive() const { return runActive_; }

  // Shows the multiplier the running trainer uses (a resumed run restores its own).
  void setLrMultiplier(double multiplier);
  double lrMultiplier() const;

  // The widget that edits `key` (checkbox, combo box or line edit); nullptr for unknown keys.
  // "PRESET" is the preset picker, lrMultiplierKey the multiplier.
  QWidget* editorFor(const QString& key) const;
  // The message shown under `key`'s editor; empty when the field is fine.
  QString problemFor(const QString& key) const;
  // The folding section of a group.
  CollapsibleSection* sectionFor(longmim::ConfigGroup group) const;

  // What the preset picker, Load… and Save… do after their choice. Failures are shown in a
  // dialog, emitted as errorOccurred and leave the form (and any existing file) unchanged.
  bool applyPreset(const QString& name);
  bool loadFile(const QString& path);
  bool saveFile(const QString& path);

 Q_SIGNALS:
  void validityChanged(bool valid);
  // The user changed a value, chose a preset or loaded a file.
  void configEdited();
  // While a run is active, a live field (or the LR multiplier) was committed with a new, valid
  // value: `value` is `KEY=VALUE` text ("0.5", "true").
  void liveEditRequested(const QString& key, const nlohmann::json& value);
  // A failure the user should read, also shown in a dialog; for the log panel.
  void errorOccurred(const QString& message);

 private:
  QWidget* createToolBar();
  QWidget* createSections();
  ConfigFieldEditor* addEditor(const longmim::ConfigField& field, QWidget* parent);
  void addRow(CollapsibleSection* section, ConfigFieldEditor* editor);
  void addLossRow(CollapsibleSection* section, ConfigFieldEditor* toggle,
                  const std::vector<ConfigFieldEditor*>& lambdas);
  void onEdited(ConfigFieldEditor* editor);
  void onCommitted(ConfigFieldEditor* editor);
  void revalidate();
  void updateEnabledStates();
  void rememberLiveValues();
  void chooseFileToLoad();
  void chooseFileToSave();
  // Reports and returns true while the form is invalid, naming the keys to fix.
  bool refuseInvalidSave(const QString& target);
  void reportError(const QString& title, const QString& message);

  QHash<QString, ConfigFieldEditor*> editors_;
  std::vector<ConfigFieldEditor*> orderedEditors_;  // schema order, then the LR multiplier
  QHash<QString, QString> toggleOfLambda_;          // LAMBDA_SSIM -> USE_SSIM
  QHash<QString, QLabel*> keyLabels_;
  std::vector<std::pair<longmim::ConfigGroup, CollapsibleSection*>> sections_;
  ConfigFieldEditor* lrMultiplier_ = nullptr;
  QPushButton* loadButton_ = nullptr;
  QPushButton* saveButton_ = nullptr;

  longmim::TrainingConfig accepted_;                   // the last valid value of every field
  std::vector<std::pair<QString, QString>> problems_;  // key, message
  double acceptedLrMultiplier_ = 1.0;
  bool runActive_ = false;
  QHash<QString, QString> liveValues_;  // what the running trainer has, as sent
  QString lastFolder_;
};

}  // namespace longmim::studio
