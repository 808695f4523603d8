// Whether Debian's python3 has the modules a cross-check needs: suites that compare with numpy,
// skimage, torch, pydicom or PIL skip (never fail) where it has not.
#pragma once

#include <QProcess>
#include <QString>

namespace longmim::test {

// `modules`: what an import statement names, e.g. "numpy" or "pydicom, PIL".
inline bool pythonHas(const char* modules) {
  QProcess probe;
  probe.start("/usr/bin/python3", {"-c", QString("import ") + modules});
  return probe.waitForFinished(120000) && probe.exitStatus() == QProcess::NormalExit &&
         probe.exitCode() == 0;
}

}  // namespace longmim::test
