// Tests the one-cycle schedule against its formula and against PyTorch's OneCycleLR when present.
#include <QProcess>
#include <QtTest>

#include <cmath>

#include "train/OneCycleSchedule.h"

using namespace longmim;

namespace {

constexpr double kPi = 3.14159265358979323846;

double cosine(double start, double end, double pct) {
  return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1.0);
}

}  // namespace

class TestOneCycleSchedule : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void followsTheFormula() {
    OneCycleSchedule::Options o;
    o.maxLr = 6e-4;
    o.totalSteps = 100;
    const OneCycleSchedule s(o);
    const double initial = 6e-4 / 25.0;  // 2.4e-5
    const double final = initial / 1e4;  // 2.4e-9
    QVERIFY(std::fabs(s.learningRate(0) - initial) < 1e-15);
    QVERIFY(std::fabs(s.beta1(0) - 0.95) < 1e-15);
    // The peak is at step pct_start x total - 1 = 14.
    QVERIFY(std::fabs(s.learningRate(14) - 6e-4) < 1e-15);
    QVERIFY(std::fabs(s.beta1(14) - 0.85) < 1e-15);
    QVERIFY(std::fabs(s.learningRate(99) - final) < 1e-15);
    QVERIFY(std::fabs(s.beta1(99) - 0.95) < 1e-15);
    // Inside the phases, by hand.
    QVERIFY(std::fabs(s.learningRate(7) - cosine(initial, 6e-4, 7.0 / 14.0)) < 1e-15);
    QVERIFY(std::fabs(s.learningRate(50) - cosine(6e-4, final, (50.0 - 14.0) / (99.0 - 14.0))) <
            1e-15);
    QVERIFY(std::fabs(s.beta1(50) - cosine(0.85, 0.95, (50.0 - 14.0) / 85.0)) < 1e-15);
    // Past the end: the final values.
    QCOMPARE(s.learningRate(500), s.learningRate(99));
    // Round trip through JSON.
    const OneCycleSchedule back =
        OneCycleSchedule::fromJson(nlohmann::json::parse(s.toJson().dump()));
    QCOMPARE(back.learningRate(33), s.learningRate(33));
  }

  void matchesPyTorchWhenPresent() {
    QProcess probe;
    probe.start("/usr/bin/python3", {"-c", "import torch"});
    if (!probe.waitForFinished(120000) || probe.exitCode() != 0)
      QSKIP("python3-torch is not installed");
    // The reference's schedule: epochs 10, steps per epoch ceil(ceil(N / 4) / 12) with N = 1000.
    const int total = 10 * 21;
    QProcess python;
    python.start(
        "/usr/bin/python3",
        {"-c",
         "import torch\n"
         "p = torch.nn.Parameter(torch.zeros(1))\n"
         "o = torch.optim.AdamW([p], lr=6e-4, weight_decay=1e-2)\n"
         "s = torch.optim.lr_scheduler.OneCycleLR(o, max_lr=6e-4, epochs=10, steps_per_epoch=21, "
         "pct_start=0.15, anneal_strategy='cos')\n"
         "out = []\n"
         "for step in range(210):\n"
         "    g = o.param_groups[0]\n"
         "    out.append('%r %r' % (g['lr'], g['betas'][0]))\n"
         "    o.step(); s.step() if step < 209 else None\n"
         "print(';'.join(out))\n"});
    QVERIFY(python.waitForFinished(120000));
    const QStringList rows = QString(python.readAllStandardOutput()).trimmed().split(';');
    QCOMPARE(rows.size(), total);
    OneCycleSchedule::Options o;
    o.maxLr = 6e-4;
    o.totalSteps = total;
    const OneCycleSchedule s(o);
    for (int step = 0; step < total; ++step) {
      const QStringList v = rows[step].split(' ');
      QVERIFY2(std::fabs(v[0].toDouble() - s.learningRate(step)) <=
                   1e-12 * std::max(1.0, v[0].toDouble() * 1e9),
               qPrintable(
                   QString("step %1: lr %2 vs %3").arg(step).arg(v[0]).arg(s.learningRate(step))));
      QVERIFY2(
          std::fabs(v[1].toDouble() - s.beta1(step)) < 1e-12,
          qPrintable(QString("step %1: beta1 %2 vs %3").arg(step).arg(v[1]).arg(s.beta1(step))));
    }
  }
};

QTEST_GUILESS_MAIN(TestOneCycleSchedule)
#include "TestOneCycleSchedule.moc"
