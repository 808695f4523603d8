// The ground-truth difference map of a synthetic pair, in the current image's frame.
#pragma once

#include <vector>

#include "io/Image2D.h"

namespace longmim::synth {

struct EntityThicknessTerm {
  Image2D currentThickness;  // projected voxels of the entity in the current (voxels)
  Image2D priorThickness;    // the same in the prior, registered to the current's frame
  double weight = 0.35;      // the reference's 0.35 (effusion, cardiomegaly), 0.25 (pneumothorax)
};

struct DiffMapInputs {
  Image2D current;          // DRR of the current
  Image2D registeredPrior;  // DRR of the prior content seen with the current's geometry
  Image2D silhouette;       // projected lungs and entities (> 0.5: inside)
  std::vector<EntityThicknessTerm> entityTerms;  // extra-pulmonary entities
  double maxLungDepth = 1;  // largest anterior-posterior lung thickness (voxels)
};

struct DiffMapOptions {
  double threshold = 0.015;             // |d| below this is no change (reference)
  double minComponentPixelsAt512 = 50;  // smaller 8-connected components are dropped (reference)
  double smoothingAt512 = 9;            // box filter side for the entity terms (reference: 9 x 9)
};

// d = (current - registeredPrior) / range(registeredPrior inside the silhouette) inside the
// silhouette; |d| < threshold and small components set to 0; then, per extra-pulmonary entity,
// weight x smoothed (currentThickness - priorThickness) / maxLungDepth is added. Positive = the
// finding appeared, grew or became denser in the current. Sizes are scaled from 512 px.
Image2D buildDiffMap(const DiffMapInputs& inputs, const DiffMapOptions& options = {});

}  // namespace longmim::synth
