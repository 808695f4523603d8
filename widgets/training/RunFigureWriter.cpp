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
  // In the child, before exec: the trainer's threads' niceness (10), so a drawing shares the CPU
  // with the trainer instead of preempting it (at 0 it took a core from it for 2 s each time);
  // not 19, at which a busy machine (a build beside the studio) starved it for minutes.
  process_.setChildProcessModifier([] { ::setpriority(PRIO_PROCESS, 0, 10); });
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
  // A drawing still running is given 10 s, then killed by QProcess's destructor; either way its
  // finished() must not reach this half-destroyed object (onFinished reads members that are gone
  // by then: heap corruption, seen under load when the drawing outlived the 10 s).
  process_.disconnect(this);
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
