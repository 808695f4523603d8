#include "synth/VolumeRotation.h"

#include <algorithm>
#include <cmath>

#include <itkEuler3DTransform.h>
#include <itkImage.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

namespace longmim::synth {
namespace {

constexpr double kDegree = 3.14159265358979323846 / 180.0;

// The transform maps output points to input points, so the image content turns by the inverse:
// we build the forward rotation and hand ITK its inverse.
itk::Euler3DTransform<double>::Pointer inverseRotation(const std::array<int, 3>& dims,
                                                       const RotationAngles& degrees) {
  auto transform = itk::Euler3DTransform<double>::New();
  itk::Euler3DTransform<double>::InputPointType centre;
  for (int d = 0; d < 3; ++d)
    centre[d] = 0.5 * (dims[d] - 1);
  transform->SetCenter(centre);
  transform->SetComputeZYX(false);  // x, then y, then z
  transform->SetRotation(degrees[0] * kDegree, degrees[1] * kDegree, degrees[2] * kDegree);
  auto inverse = itk::Euler3DTransform<double>::New();
  transform->GetInverse(inverse);
  return inverse;
}

template <typename T, typename Interpolator>
Volume<T> rotate(const Volume<T>& volume, const RotationAngles& degrees, T outside,
                 VoxelBox region) {
  if (region.empty())
    region = VoxelBox{{0, 0, 0}, {volume.nx, volume.ny, volume.nz}};
  using ImageType = itk::Image<T, 3>;
  auto input = ImageType::New();
  typename ImageType::RegionType inputRegion;
  inputRegion.SetSize({static_cast<itk::SizeValueType>(volume.nx),
                       static_cast<itk::SizeValueType>(volume.ny),
                       static_cast<itk::SizeValueType>(volume.nz)});
  input->SetRegions(inputRegion);
  input->Allocate();
  std::copy(volume.data.begin(), volume.data.end(), input->GetBufferPointer());

  auto resample = itk::ResampleImageFilter<ImageType, ImageType, double>::New();
  resample->SetInput(input);
  resample->SetTransform(inverseRotation({volume.nx, volume.ny, volume.nz}, degrees));
  resample->SetInterpolator(Interpolator::New());
  typename ImageType::SizeType outputSize;
  typename ImageType::PointType outputOrigin;
  for (int d = 0; d < 3; ++d) {
    outputSize[d] = static_cast<itk::SizeValueType>(region.hi[d] - region.lo[d]);
    outputOrigin[d] = region.lo[d];
  }
  resample->SetSize(outputSize);
  resample->SetOutputOrigin(outputOrigin);
  resample->SetDefaultPixelValue(outside);
  resample->SetNumberOfWorkUnits(1);
  resample->Update();

  Volume<T> out(static_cast<int>(outputSize[0]), static_cast<int>(outputSize[1]),
                static_cast<int>(outputSize[2]), volume.spacing);
  const T* buffer = resample->GetOutput()->GetBufferPointer();
  std::copy(buffer, buffer + out.size(), out.data.begin());
  return out;
}

}  // namespace

HuVolume rotateHu(const HuVolume& volume, const RotationAngles& degrees, const VoxelBox& region) {
  using Image = itk::Image<float, 3>;
  return rotate<float, itk::LinearInterpolateImageFunction<Image, double>>(volume, degrees,
                                                                           -1000.0f, region);
}

LabelVolume rotateLabels(const LabelVolume& volume, const RotationAngles& degrees,
                         const VoxelBox& region) {
  using Image = itk::Image<std::uint16_t, 3>;
  return rotate<std::uint16_t, itk::NearestNeighborInterpolateImageFunction<Image, double>>(
      volume, degrees, 0, region);
}

Point3 rotatePoint(const Point3& voxel, const std::array<int, 3>& dims,
                   const RotationAngles& degrees) {
  auto transform = itk::Euler3DTransform<double>::New();
  itk::Euler3DTransform<double>::InputPointType centre;
  for (int d = 0; d < 3; ++d)
    centre[d] = 0.5 * (dims[d] - 1);
  transform->SetCenter(centre);
  transform->SetComputeZYX(false);
  transform->SetRotation(degrees[0] * kDegree, degrees[1] * kDegree, degrees[2] * kDegree);
  itk::Euler3DTransform<double>::InputPointType p;
  for (int d = 0; d < 3; ++d)
    p[d] = voxel[d];
  const auto q = transform->TransformPoint(p);
  return {q[0], q[1], q[2]};
}

}  // namespace longmim::synth
