// The row above the live loss plot: which curve to show, the smoothing slider and spin box (kept
// in step), tool buttons for the plot's toggles and an Export menu. It only reports choices;
// LiveLossPlot decides what they do.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

class QAction;
class QComboBox;
class QDoubleSpinBox;
class QSlider;

namespace longmim::studio {

class CurveControls : public QWidget {
  Q_OBJECT

 public:
  // `toggles`: a tool button each, in order; `exports`: the entries of the Export menu.
  CurveControls(double smoothing, const QList<QAction*>& toggles, const QList<QAction*>& exports,
                QWidget* parent = nullptr);

  // The curve list, without signals: replaced (`current` selected when it is in `names`), or
  // extended by a name not in it yet.
  void setCurves(const QStringList& names, const QString& current);
  void addCurve(const QString& name);
  bool hasCurve(const QString& name) const;
  QStringList curves() const;
  // Selects `name` as the user would (curveChosen follows); false for a name not in the list.
  bool select(const QString& name);

  // Shows `weight` in the slider and the spin box, without signals.
  void showSmoothing(double weight);

 Q_SIGNALS:
  void curveChosen(const QString& name);
  void smoothingChosen(double weight);

 private:
  QComboBox* curveBox_ = nullptr;
  QSlider* smoothingSlider_ = nullptr;
  QDoubleSpinBox* smoothingSpin_ = nullptr;
};

}  // namespace longmim::studio
