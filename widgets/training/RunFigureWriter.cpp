#include "training/RunFigureWriter.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <algorithm>

#include <sys/resource.h>

namespace longmim::studio {

RunFigureWriter::RunFigureWriter(QObject* parent) : QObject(parent) {
  program_ = findCommandLineTool();
  process_.setProcessChannelMode(QProcess::MergedChannels);
  // In the child, before exec: the lowest priority, below the trainer's threads (niceness 10),
  // so the drawing takes the cycles the trainer leaves and never preempts it.
  process_.setChildProcessModifier([] { ::setpriority(PRIO_PROCESS, 0, 19); });
  deferTimer_.setSingleShot(true);
  connect(&deferTimer_, &QTimer::timeout, this, [this] {
    const QString run = deferred_;
    deferred_.clear();
    requestNow(run);
  });
  connect(&process_, &QProcess::finished, this, &RunFigureWriter::onFinished);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart)
      return;  // crashes and exit codes arrive through finished()
    const QString run = running_;
    running_.clear();
    Q_EMIT failed(tr("Could not draw the loss figures of %1: %2 did not start (%3)")
                      .arg(run, program_, process_.errorString()));
  });
}

RunFigureWriter::~RunFigureWriter() {
  queued_.clear();
  deferTimer_.stop();
  if (process_.state() != QProcess::NotRunning)
    process_.waitForFinished(10000);
}

QString RunFigureWriter::findCommandLineTool() {
  const QString fromEnvironment = qEnvironmentVariable("LONGMIM_CLI");
  if (!fromEnvironment.isEmpty() && QFileInfo(fromEnvironment).isExecutable())
    return fromEnvironment;
  const QString besideUs = QDir(QCoreApplication::applicationDirPath()).filePath("longmim");
  if (QFileInfo(besideUs).isExecutable())
    return besideUs;
  return QStandardPaths::findExecutable(QStringLiteral("longmim"));
}

void RunFigureWriter::request(const QString& runDir) {
  const qint64 since = sinceLaunch_.isValid() ? sinceLaunch_.elapsed() : minimumIntervalMs_;
  if (since >= minimumIntervalMs_ && !deferTimer_.isActive()) {
    requestNow(runDir);
    return;
  }
  deferred_ = runDir;  // only the newest state of the history matters
  if (!deferTimer_.isActive())
    deferTimer_.start(int(std::max<qint64>(0, minimumIntervalMs_ - since)));
}

void RunFigureWriter::requestNow(const QString& runDir) {
  if (deferred_ == runDir) {
    deferTimer_.stop();
    deferred_.clear();
  }
  if (program_.isEmpty()) {
    Q_EMIT failed(tr("Could not draw the loss figures of %1: the longmim command-line tool was "
                     "not found next to the studio or on PATH (set LONGMIM_CLI)")
                      .arg(runDir));
    return;
  }
  if (isBusy() || !running_.isEmpty()) {
    queued_ = runDir;  // only the newest state of the history matters
    return;
  }
  launch(runDir);
}

void RunFigureWriter::launch(const QString& runDir) {
  running_ = runDir;
  sinceLaunch_.start();
  process_.start(program_, {QStringLiteral("plot"), runDir});
}

bool RunFigureWriter::waitForIdle(int msecs) {
  const QDeadlineTimer deadline(msecs);
  if (deferTimer_.isActive()) {
    deferTimer_.stop();
    const QString run = deferred_;
    deferred_.clear();
    requestNow(run);
  }
  while (isBusy() || !running_.isEmpty()) {
    if (deadline.hasExpired())
      return false;
    if (isBusy())
      process_.waitForFinished(int(std::max<qint64>(1, deadline.remainingTime())));
    QCoreApplication::processEvents();
  }
  return true;
}

void RunFigureWriter::onFinished(int exitCode, QProcess::ExitStatus status) {
  const QString run = running_;
  running_.clear();
  if (status == QProcess::NormalExit && exitCode == 0) {
    Q_EMIT written(run);
  } else {
    const QString output = QString::fromLocal8Bit(process_.readAll()).trimmed();
    Q_EMIT failed(tr("Could not draw the loss figures of %1: %2")
                      .arg(run, output.isEmpty()
                                    ? tr("longmim plot exited with status %1").arg(exitCode)
                                    : output));
  }
  if (!queued_.isEmpty()) {
    const QString next = queued_;
    queued_.clear();
    launch(next);
  }
}

}  // namespace longmim::studio
