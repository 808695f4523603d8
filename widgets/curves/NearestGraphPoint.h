// Finds the point of a plot's graphs nearest to the mouse, for hover read-outs: only the points
// whose key lies within reach are measured, so it stays instant with 100k points per graph.
#pragma once

#include <QPointF>

#include <optional>
#include <vector>

class QCPGraph;

namespace longmim::studio {

struct GraphPoint {
  QCPGraph* graph = nullptr;
  int index = 0;  // into graph->data()
};

// The data point at most `radius` pixels from `pixel` (widget coordinates, as in mouse events),
// over the visible graphs of `graphs`; on a tie the graph listed first wins. nullopt when no point
// is that close. The plot must have been laid out (replotted) at its current size.
std::optional<GraphPoint> nearestGraphPoint(const std::vector<QCPGraph*>& graphs,
                                            const QPointF& pixel, double radius);

}  // namespace longmim::studio
