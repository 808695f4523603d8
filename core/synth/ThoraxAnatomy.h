// The random anatomy of one procedural thorax: body outline, lungs and diaphragm, heart, spine,
// ribs and airways, as dimensions in millimetres that ThoraxPhantom then paints into a volume.
#pragma once

#include "synth/Geometry.h"
#include "synth/SynthRandom.h"

namespace longmim::synth {

// Anatomy in millimetres in a patient frame centred left-right and anterior-posterior: X < 0 is
// the patient's right, Y < 0 anterior, Z = 0 the top of the volume, growing downwards.
struct Anatomy {
  double bodyA, bodyB, bodyCentreY;  // chest ellipse semi-axes
  double shoulderZ, neckRadius;
  double fat, wall;  // fat layer and chest-wall thickness
  double apexZ;
  double domeTopZ[2];                 // right, left
  double domeLateral, domePosterior;  // how much deeper the dome is laterally / posteriorly
  double mediastinumX, mediastinumHalfWidth;
  Ellipsoid heartMm;
  double spineY, spineRadius, vertebraHeight;
  double ribSpacing, ribDrop, ribRadius;
  double carinaZ, tracheaY, tracheaRadius;
  double hilumMm[2][3];
  bool stomachBubble;
};

// Draws one patient's anatomy; every dimension varies within a plausible adult range.
Anatomy drawAnatomy(SynthRandom& rng);

}  // namespace longmim::synth
