// The form's presets and params files: the preset picker's choice, Load… and Save… with their
// dialogs. Members of ConfigForm, kept apart from the editing half (ConfigForm.cpp).
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>

#include <exception>

#include "Error.h"
#include "common/ErrorBox.h"
#include "config/ConfigJson.h"
#include "config/Presets.h"
#include "training/ConfigForm.h"

namespace longmim::studio {

bool ConfigForm::applyPreset(const QString& name) {
  if (runActive_) {
    reportError(tr("Could not apply the preset"),
                tr("The preset %1 cannot be applied while a run is active").arg(name));
    return false;
  }
  TrainingConfig preset;
  try {
    preset = presetConfig(name.toStdString());
  } catch (const std::exception& e) {
    reportError(tr("Could not apply the preset"), QString::fromUtf8(e.what()));
    return false;
  }
  // A preset sizes the model and the training; which data it learns from and where the runs go
  // are the user's, so picking a preset keeps them.
  const TrainingConfig current = config();
  preset.dataDir = current.dataDir;
  preset.outputDir = current.outputDir;
  setConfig(preset);
  Q_EMIT configEdited();
  return true;
}

bool ConfigForm::loadFile(const QString& path) {
  if (runActive_) {
    reportError(
        tr("Could not load parameters"),
        tr("%1 was not loaded: parameters cannot be replaced while a run is active").arg(path));
    return false;
  }
  TrainingConfig loaded;
  try {
    loaded = loadConfigFile(path.toStdString(), config());
  } catch (const Error& e) {
    reportError(tr("Could not load parameters"), QString::fromUtf8(e.what()));
    return false;
  } catch (const std::exception& e) {
    reportError(tr("Could not load parameters"),
                tr("%1: %2").arg(path, QString::fromUtf8(e.what())));
    return false;
  }
  lastFolder_ = QFileInfo(path).absolutePath();
  setConfig(loaded);
  Q_EMIT configEdited();
  return true;
}

bool ConfigForm::refuseInvalidSave(const QString& target) {
  if (isValid())
    return false;
  QStringList keys;
  for (const auto& problem : problems_) {
    if (!keys.contains(problem.first))
      keys << problem.first;
  }
  reportError(tr("Could not save parameters"), tr("Cannot save %1 while fields are invalid: %2")
                                                   .arg(target, keys.join(QStringLiteral(", "))));
  return true;
}

bool ConfigForm::saveFile(const QString& path) {
  if (refuseInvalidSave(path))
    return false;
  try {
    saveConfigFile(config(), path.toStdString());  // atomic: an existing file is never cut short
  } catch (const std::exception& e) {
    reportError(tr("Could not save parameters"), QString::fromUtf8(e.what()));
    return false;
  }
  lastFolder_ = QFileInfo(path).absolutePath();
  return true;
}

void ConfigForm::chooseFileToLoad() {
  // Opened window-modal, not exec()'d: training updates keep flowing while it is open.
  auto* dialog = new QFileDialog(this, tr("Load Parameters"),
                                 lastFolder_.isEmpty() ? QDir::homePath() : lastFolder_,
                                 tr("Parameters (*.json);;All files (*)"));
  dialog->setObjectName(QStringLiteral("loadConfigDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setAcceptMode(QFileDialog::AcceptOpen);
  dialog->setFileMode(QFileDialog::ExistingFile);
  connect(dialog, &QFileDialog::fileSelected, this, &ConfigForm::loadFile);
  dialog->open();
}

void ConfigForm::chooseFileToSave() {
  if (refuseInvalidSave(tr("the parameters")))
    return;  // said before asking where: the user has fields to fix first
  auto* dialog = new QFileDialog(this, tr("Save Parameters"),
                                 lastFolder_.isEmpty() ? QDir::homePath() : lastFolder_,
                                 tr("Parameters (*.json);;All files (*)"));
  dialog->setObjectName(QStringLiteral("saveConfigDialog"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setAcceptMode(QFileDialog::AcceptSave);
  dialog->setDefaultSuffix(QStringLiteral("json"));
  dialog->selectFile(QStringLiteral("params.json"));
  connect(dialog, &QFileDialog::fileSelected, this, &ConfigForm::saveFile);
  dialog->open();
}

void ConfigForm::reportError(const QString& title, const QString& message) {
  showErrorBox(this, title, message);
  Q_EMIT errorOccurred(message);
}

}  // namespace longmim::studio
