// Points QSettings and QStandardPaths at a temporary folder for the lifetime of a test suite, so a
// test never reads nor changes the settings of the person running it.
#pragma once

#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace longmim::test {

class IsolatedSettings {
 public:
  IsolatedSettings() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir_.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir_.path());
  }

  QString path() const { return dir_.path(); }

 private:
  QTemporaryDir dir_;
};

}  // namespace longmim::test
