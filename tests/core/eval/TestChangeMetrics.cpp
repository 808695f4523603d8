// Tests the evaluation metrics and baselines against values worked out by hand and, where
// python3-numpy is installed, against numpy on random maps.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>

#include "PythonProbe.h"
#include "eval/ChangeMetrics.h"
#include "eval/EvaluationReport.h"

using namespace longmim::eval;
using longmim::test::pythonHas;

namespace {

QString join(const std::vector<float>& v) {
  QStringList parts;
  for (float x : v)
    parts << QString::number(static_cast<double>(x), 'g', 9);
  return parts.join(',');
}

}  // namespace

class TestChangeMetrics : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pearsonByHand() {
    // x = 1..4, y = 2x + 1: r = 1; y reversed: r = -1; y = (1, 3, 2, 4): r = 0.8.
    QVERIFY(std::fabs(pearsonCorrelation({1, 2, 3, 4}, {3, 5, 7, 9}) - 1.0) < 1e-12);
    QVERIFY(std::fabs(pearsonCorrelation({1, 2, 3, 4}, {4, 3, 2, 1}) + 1.0) < 1e-12);
    QVERIFY(std::fabs(pearsonCorrelation({1, 2, 3, 4}, {1, 3, 2, 4}) - 0.8) < 1e-12);
    QVERIFY(std::isnan(pearsonCorrelation({1, 1, 1}, {1, 2, 3})));
  }

  void aucOfKnownRankings() {
    // Every positive above every negative: 1; below: 0; all tied: 0.5.
    QCOMPARE(rocAuc({0.1f, 0.2f, 0.8f, 0.9f}, {false, false, true, true}), 1.0);
    QCOMPARE(rocAuc({0.9f, 0.8f, 0.2f, 0.1f}, {false, false, true, true}), 0.0);
    QCOMPARE(rocAuc({0.5f, 0.5f, 0.5f, 0.5f}, {false, true, false, true}), 0.5);
    // Positives at 0.3 and 0.7, negatives at 0.1, 0.5, 0.9: of the 6 (pos, neg) pairs the
    // positive wins 3 (0.3>0.1, 0.7>0.1, 0.7>0.5): 0.5. A tie counts one half.
    QCOMPARE(rocAuc({0.1f, 0.3f, 0.5f, 0.7f, 0.9f}, {false, true, false, true, false}), 0.5);
    QCOMPARE(rocAuc({0.2f, 0.2f, 0.1f}, {true, false, false}), 0.75);
    QVERIFY(std::isnan(rocAuc({0.1f, 0.2f}, {true, true})));
  }

  void subtractionIsTheMinMaxDifference() {
    // prior 0..10 -> 0..1, current 5..7 -> 0..1.
    const std::vector<float> s = subtractionBaseline({0, 5, 10}, {5, 7, 6});
    QCOMPARE(s.size(), size_t(3));
    QVERIFY(std::fabs(s[0] - 0.0f) < 1e-6f);
    QVERIFY(std::fabs(s[1] - 0.5f) < 1e-6f);
    QVERIFY(std::fabs(s[2] - -0.5f) < 1e-6f);
    const std::vector<float> flat = subtractionBaseline({3, 3}, {1, 2});
    QCOMPARE(flat[1], 1.0f);  // a constant image normalises to zeros
  }

  void pairMetricsByHand() {
    // A 12 x 12 map (the SSIM window fits): truth 0.5 on a 2 x 2 patch, elsewhere 0; the
    // prediction 0.25 on the patch and 0.05 on one other pixel.
    const int n = 12;
    std::vector<float> truth(n * n, 0.0f);
    std::vector<float> pred(n * n, 0.0f);
    for (int r = 4; r < 6; ++r) {
      for (int c = 4; c < 6; ++c) {
        truth[r * n + c] = 0.5f;
        pred[r * n + c] = 0.25f;
      }
    }
    pred[0] = 0.05f;
    const ChangeMetrics m = measureChange(pred, truth, n, n, 0.015);
    QCOMPARE(m.changedPixels, size_t(4));
    QVERIFY(std::fabs(m.l1 - (4 * 0.25 + 0.05) / 144.0) < 1e-9);
    QVERIFY(std::fabs(m.l2 - (4 * 0.0625 + 0.0025) / 144.0) < 1e-9);
    QVERIFY(std::fabs(m.maskedL1 - 0.25) < 1e-9);
    // The 4 positives score 0.25, above all 140 negatives (one at 0.05, the rest 0).
    QCOMPARE(m.auc, 1.0);
    QVERIFY(m.pearson > 0.9 && m.pearson < 1.0);
    QVERIFY(m.ssim < 1.0);
    const ChangeMetrics same = measureChange(truth, truth, n, n, 0.015);
    QVERIFY(std::fabs(same.ssim - 1.0) < 1e-5);
    QCOMPARE(same.l1, 0.0);
    // The zeros baseline: r 0 (a constant map), AUC one half, masked L1 = mean |truth| there.
    const ChangeMetrics zeros = measureChange(std::vector<float>(n * n, 0.0f), truth, n, n, 0.015);
    QCOMPARE(zeros.pearson, 0.0);
    QCOMPARE(zeros.auc, 0.5);
    QVERIFY(std::fabs(zeros.maskedL1 - 0.5) < 1e-9);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, measureChange(pred, truth, n, n + 1, 0.015));
  }

  void metricsMatchNumpyWhenPresent() {
    if (!pythonHas("numpy"))
      QSKIP("python3-numpy is not installed");
    std::mt19937 rng(5);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    const int n = 24;
    std::vector<float> truth(n * n, 0.0f);
    std::vector<float> pred(n * n);
    for (int i = 0; i < n * n; ++i) {
      if ((i / n) > 8 && (i / n) < 15 && (i % n) > 5 && (i % n) < 12)
        truth[i] = 0.3f + noise(rng);
      pred[i] = 0.6f * truth[i] + noise(rng);
    }
    const ChangeMetrics m = measureChange(pred, truth, n, n, 0.015);
    QProcess python;
    // AUC as the fraction of (positive, negative) pairs ranked right, ties one half: an
    // independent O(P x N) count, not the rank formula used in the program.
    python.start("/usr/bin/python3",
                 {"-c",
                  "import sys, numpy as np\n"
                  "p = np.array([float(v) for v in sys.argv[1].split(',')])\n"
                  "t = np.array([float(v) for v in sys.argv[2].split(',')])\n"
                  "pos = np.abs(p[np.abs(t) > 0.015]); neg = np.abs(p[np.abs(t) <= 0.015])\n"
                  "auc = ((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == "
                  "neg[None, :]).sum()) / (len(pos) * len(neg))\n"
                  "m = np.abs(t) > 0.015\n"
                  "print(np.abs(p - t).mean(), ((p - t) ** 2).mean(), np.abs(p - t)[m].mean(), "
                  "np.corrcoef(p, t)[0, 1], auc)\n",
                  join(pred), join(truth)});
    QVERIFY(python.waitForFinished(120000));
    const QStringList v =
        QString(python.readAllStandardOutput()).trimmed().split(' ', Qt::SkipEmptyParts);
    QCOMPARE(v.size(), 5);
    QVERIFY(std::fabs(m.l1 - v[0].toDouble()) < 1e-6);
    QVERIFY(std::fabs(m.l2 - v[1].toDouble()) < 1e-6);
    QVERIFY(std::fabs(m.maskedL1 - v[2].toDouble()) < 1e-6);
    QVERIFY2(std::fabs(m.pearson - v[3].toDouble()) < 1e-6,
             qPrintable(QString("ours %1 numpy %2").arg(m.pearson).arg(v[3])));
    QVERIFY2(std::fabs(m.auc - v[4].toDouble()) < 1e-9,
             qPrintable(QString("ours %1 numpy %2").arg(m.auc).arg(v[4])));
  }

  void reportComparesWithBothBaselines() {
    // Two 12 x 12 pairs: a disc-like patch appears in the follow-up; one pair without change.
    const int n = 12;
    EvaluationReport report;
    report.changeThreshold = 0.015;
    std::vector<float> prior(n * n, 0.2f);
    prior[0] = 0.0f;
    prior[1] = 1.0f;  // fixes min-max so the subtraction is the plain difference
    std::vector<float> current = prior;
    std::vector<float> truth(n * n, 0.0f);
    for (int r = 3; r < 7; ++r) {
      for (int c = 3; c < 7; ++c) {
        current[r * n + c] = 0.6f;
        truth[r * n + c] = 0.3f;
      }
    }
    // A misregistration edge the subtraction shows and the model does not.
    current[11 * n + 11] = 0.9f;
    std::vector<float> model = truth;
    for (float& v : model)
      v *= 0.9f;
    report.addPair("case_a", model, truth, prior, current, n, n, 0.015);
    report.addPair("case_b", std::vector<float>(n * n, 0.0f), std::vector<float>(n * n, 0.0f),
                   prior, prior, n, n, 0.015);
    QCOMPARE(report.pairs().size(), size_t(2));
    QCOMPARE(report.changedPairs(), size_t(1));
    const MetricSummary zeros = report.summary(Method::Zeros);
    QVERIFY(std::fabs(zeros.l1 - (16 * 0.3 / 144.0) / 2.0) < 1e-9);  // mean over both pairs
    QCOMPARE(zeros.auc, 0.5);
    QVERIFY(report.l1Ratio(Method::Zeros) < 0.2);
    QVERIFY(report.modelBeatsOnEveryMetric(Method::Zeros));
    QVERIFY(report.modelBeatsOnEveryMetric(Method::Subtraction));
    const auto json = report.toJson();
    QCOMPARE(json["pairs"].get<int>(), 2);
    QCOMPARE(json["changed_pairs"].get<int>(), 1);
    QVERIFY(json["model_beats"]["zeros"]["all"].get<bool>());
    QCOMPARE(json["per_pair"][0]["case"].get<std::string>(), std::string("case_a"));
    // The pair without change has no r or AUC: null in the file, not a number.
    QVERIFY(json["per_pair"][1]["model"]["auc"].is_null());
    QVERIFY(report.table().find("beats") != std::string::npos);
  }
};

QTEST_GUILESS_MAIN(TestChangeMetrics)
#include "TestChangeMetrics.moc"
