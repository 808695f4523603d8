#include "curves/NearestGraphPoint.h"

#include "QCustomPlotHeader.h"

#include <algorithm>

namespace longmim::studio {

std::optional<GraphPoint> nearestGraphPoint(const std::vector<QCPGraph*>& graphs,
                                            const QPointF& pixel, double radius) {
  std::optional<GraphPoint> nearest;
  double nearestDistance = radius * radius;
  for (QCPGraph* graph : graphs) {
    if (!graph->visible() || graph->data()->isEmpty())
      continue;
    // Data are sorted by key: binary search for the keys within `radius` pixels of the mouse
    // (one more each side, in case the axis is reversed or the neighbour is closer).
    const QCPAxis* keys = graph->keyAxis();
    const double a = keys->pixelToCoord(pixel.x() - radius);
    const double b = keys->pixelToCoord(pixel.x() + radius);
    const QSharedPointer<QCPGraphDataContainer> points = graph->data();
    const auto end = points->findEnd(std::max(a, b), true);
    for (auto it = points->findBegin(std::min(a, b), true); it != end; ++it) {
      const QPointF offset = graph->coordsToPixels(it->key, it->value) - pixel;
      const double distance = QPointF::dotProduct(offset, offset);
      if (distance < nearestDistance) {
        nearestDistance = distance;
        nearest = GraphPoint{graph, int(it - points->constBegin())};
      }
    }
  }
  return nearest;
}

}  // namespace longmim::studio
