// Tests the studio's one training history: the model signals each change once; the live plot and
// the Components tab draw the same model (no copies) and follow its appends, resets, comparison
// and caption; in the main window both draw the session's model.
#include <QApplication>
#include <QSignalSpy>
#include <QtTest>

#include "ComponentLossCharts.h"
#include "IsolatedSettings.h"
#include "QCustomPlotHeader.h"
#include "curves/ComponentCurvesView.h"
#include "curves/LiveLossPlot.h"
#include "shell/MainWindow.h"
#include "shell/StudioPlatform.h"
#include "training/HistoryModel.h"
#include "training/TrainingSession.h"

using namespace longmim;
using namespace longmim::studio;

namespace {

StepRecord stepOf(int epoch, int batch) {
  StepRecord s;
  s.epoch = epoch;
  s.batch = batch;
  s.batchesInEpoch = 4;
  s.globalBatch = (epoch - 1) * 4 + batch;
  s.optimizerStep = s.globalBatch;
  s.total = 1.0 / s.globalBatch;
  s.components = {{"L1", 0.6 * s.total}, {"L2", 0.4 * s.total}};
  s.learningRate = 1e-3;
  return s;
}

EpochRecord epochOf(int epoch) {
  EpochRecord e;
  e.epoch = epoch;
  e.trainTotal = 1.0 / epoch;
  e.valTotal = 0.9 / epoch;
  e.trainComponents = {{"L1", 0.6 * e.trainTotal}, {"L2", 0.4 * e.trainTotal}};
  e.valComponents = {{"L1", 0.6 * *e.valTotal}, {"L2", 0.4 * *e.valTotal}};
  return e;
}

void feedEpoch(HistoryModel& model, int epoch) {
  model.appendSteps({stepOf(epoch, 1), stepOf(epoch, 2), stepOf(epoch, 3), stepOf(epoch, 4)});
  model.appendEpoch(epochOf(epoch), epoch);
}

}  // namespace

class TestHistoryModel : public QObject {
  Q_OBJECT

  test::IsolatedSettings settings_;

 private Q_SLOTS:
  void eachChangeIsSignalledOnce() {
    HistoryModel model;
    QSignalSpy reset(&model, &HistoryModel::historyReset);
    QSignalSpy appended(&model, &HistoryModel::recordsAppended);
    QSignalSpy epochs(&model, &HistoryModel::epochAppended);
    QSignalSpy comparison(&model, &HistoryModel::comparisonChanged);
    QSignalSpy caption(&model, &HistoryModel::captionChanged);
    feedEpoch(model, 1);
    QCOMPARE(appended.count(), 2);  // the steps at once, then the epoch
    QCOMPARE(epochs.count(), 1);
    QCOMPARE(model.history().steps.size(), size_t(4));
    QCOMPARE(model.history().bestEpoch, 1);
    model.appendSteps({});
    QCOMPARE(appended.count(), 2);  // nothing appended, nothing said
    model.appendEdit({1, 4, "MAX_LR", "0.001", "0.0005"});
    QCOMPARE(appended.count(), 3);
    QCOMPARE(model.history().edits.size(), size_t(1));

    model.setComparison(model.history(), QStringLiteral("run B"));
    QCOMPARE(comparison.count(), 1);
    QVERIFY(model.hasComparison());
    model.clear();
    QCOMPARE(reset.count(), 1);
    QVERIFY(model.history().steps.empty());
    QVERIFY(model.hasComparison());  // a reset keeps the comparison and the caption
    model.clearComparison();
    model.clearComparison();  // already clear: no second signal
    QCOMPARE(comparison.count(), 2);
    LossPlotCaption c;
    c.runName = "run A";
    model.setCaption(c);
    QCOMPARE(caption.count(), 1);
    QCOMPARE(model.caption().runName, std::string("run A"));
  }

  void bothCurveViewsDrawTheOneModel() {
    HistoryModel model;
    LiveLossPlot plot;
    ComponentCurvesView components;
    plot.setModel(&model);
    components.setModel(&model);
    plot.setRefreshInterval(0);
    plot.show();
    components.show();
    QVERIFY(QTest::qWaitForWindowExposed(&components));
    QCOMPARE(&plot.history(), &model.history());  // the plot reads the model, no copy

    feedEpoch(model, 1);
    feedEpoch(model, 2);
    QTRY_COMPARE(plot.pointCount(LiveLossPlot::Curve::Steps), 8);
    QCOMPARE(plot.pointCount(LiveLossPlot::Curve::ValidationEpochs), 2);
    QTRY_VERIFY(!components.isStale());
    QCOMPARE(components.charts().panelCount(), 2);  // L1 and L2
    QCOMPARE(components.charts().trainGraph(0)->data()->size(), 2);
    QCOMPARE(components.charts().trainStepsGraph(0)->data()->size(), 8);

    // Through the plot's own functions the same model changes: the Components tab follows.
    plot.appendEpoch(epochOf(3), 3);
    QTRY_COMPARE(components.charts().trainGraph(0)->data()->size(), 3);
    QCOMPARE(model.history().epochs.size(), size_t(3));

    // A finished run opened: one reset, both redraw from it.
    model.reset({});
    QTRY_COMPARE(plot.pointCount(LiveLossPlot::Curve::Steps), 0);
    QTRY_COMPARE(components.charts().panelCount(), 0);

    model.setComparison(TrainingHistory(), QStringLiteral("other"));
    QVERIFY(plot.hasComparison());
    QCOMPARE(plot.comparisonLabel(), QStringLiteral("other"));
  }

  void aHiddenComponentsTabDrawsWhenShown() {
    HistoryModel model;
    ComponentCurvesView components;
    components.setModel(&model);
    feedEpoch(model, 1);
    QVERIFY(components.isStale());
    components.show();
    QTRY_VERIFY(!components.isStale());
    QCOMPARE(components.charts().trainGraph(0)->data()->size(), 1);
  }

  void theWindowsViewsDrawTheSessionsModel() {
    MainWindow window;
    QCOMPARE(window.lossPlot()->model(), window.session()->historyModel());
    QCOMPARE(window.componentCurves()->model(), window.session()->historyModel());
    QCOMPARE(&window.session()->history(), &window.session()->historyModel()->history());
  }
};

int main(int argc, char** argv) {
  prepareStudioPlatform();
  QApplication app(argc, argv);
  TestHistoryModel test;
  return QTest::qExec(&test, argc, argv);
}

#include "TestHistoryModel.moc"
