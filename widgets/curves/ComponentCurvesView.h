// The studio's "Components" tab: every loss component of the run side by side, one panel each
// (train and validation per epoch, logged batches faint), the same charts as
// detailed_loss_curves.png. It reads the studio's history model (the session's) and redraws when
// it is reset or an epoch ends, only while visible: a change while hidden is drawn when the tab
// is shown.
#pragma once

#include <QWidget>

#include <memory>

class QCustomPlot;

namespace longmim::studio {

class ComponentLossCharts;
class HistoryModel;

class ComponentCurvesView : public QWidget {
  Q_OBJECT

 public:
  explicit ComponentCurvesView(QWidget* parent = nullptr);
  ~ComponentCurvesView() override;

  // The history to draw, followed from now on; it must outlive this view. Null: nothing.
  void setModel(const HistoryModel* model);
  const HistoryModel* model() const { return model_; }

  // For tests: the charts and whether a redraw is waiting for the tab to be shown.
  const ComponentLossCharts& charts() const { return *charts_; }
  QCustomPlot* plot() const { return plot_; }
  bool isStale() const { return stale_; }

 protected:
  void showEvent(QShowEvent* event) override;

 private:
  // The model changed (an epoch ended, a run opened): redraws now if visible, else when shown.
  void modelChanged();
  void redraw();

  QCustomPlot* plot_;
  std::unique_ptr<ComponentLossCharts> charts_;
  const HistoryModel* model_ = nullptr;
  bool stale_ = false;
};

}  // namespace longmim::studio
