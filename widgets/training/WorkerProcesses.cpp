#include "training/WorkerProcesses.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

#include <exception>

#include "config/ConfigJson.h"
#include "training/RunFigureWriter.h"

namespace longmim::studio {

WorkerProcesses::WorkerProcesses(QObject* parent) : QObject(parent) {}

WorkerProcesses::~WorkerProcesses() {
  stop();
}

bool WorkerProcesses::start(const longmim::TrainingConfig& config, const QString& resumeCheckpoint,
                            int world, int port, QString* error) {
  stop();
  stopping_ = false;
  const QString tool = RunFigureWriter::findCommandLineTool();
  if (tool.isEmpty()) {
    *error =
        tr("Cannot start the worker processes: the command line tool longmim was not found "
           "next to the studio");
    return false;
  }
  folder_ = std::make_unique<QTemporaryDir>();
  const QString params = folder_->filePath(QStringLiteral("worker_params.json"));
  try {
    longmim::saveConfigFile(config, params.toStdString());
  } catch (const std::exception& e) {
    *error = tr("Cannot start the worker processes: %1").arg(QString::fromStdString(e.what()));
    return false;
  }
  for (int rank = 1; rank < world; ++rank) {
    auto* process = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("RANK"), QString::number(rank));
    env.insert(QStringLiteral("LOCAL_RANK"), QString::number(rank));
    env.insert(QStringLiteral("WORLD_SIZE"), QString::number(world));
    env.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
    env.insert(QStringLiteral("MASTER_PORT"), QString::number(port));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    process->setProcessEnvironment(env);
    process->setProcessChannelMode(QProcess::MergedChannels);
    QStringList arguments{QStringLiteral("train"), QStringLiteral("--config"), params};
    if (!resumeCheckpoint.isEmpty())
      arguments << QStringLiteral("-c") << resumeCheckpoint;
    arguments
        << QStringLiteral("--set")
        << QStringLiteral("NUM_THREADS=%1").arg(config.numThreads > 0 ? config.numThreads : 1);
    connect(
        process, &QProcess::finished, this,
        [this, process, rank](int code, QProcess::ExitStatus status) {
          if (stopping_ || (status == QProcess::NormalExit && (code == 0 || code == 130)))
            return;
          const QStringList lines =
              QString::fromUtf8(process->readAll()).trimmed().split(QLatin1Char('\n'));
          Q_EMIT workerFailed(tr("Worker process %1 ended with status %2: %3")
                                  .arg(rank)
                                  .arg(status == QProcess::NormalExit ? code : -1)
                                  .arg(lines.mid(std::max(0, int(lines.size()) - 3)).join(' ')));
        });
    process->start(tool, arguments);
    processes_.push_back(process);
  }
  return true;
}

void WorkerProcesses::stop() {
  stopping_ = true;
  for (QProcess* process : processes_) {
    if (process->state() != QProcess::NotRunning && !process->waitForFinished(10000)) {
      process->kill();
      process->waitForFinished(5000);
    }
    delete process;
  }
  processes_.clear();
  folder_.reset();
}

int WorkerProcesses::running() const {
  int n = 0;
  for (const QProcess* process : processes_)
    n += process->state() != QProcess::NotRunning ? 1 : 0;
  return n;
}

}  // namespace longmim::studio
