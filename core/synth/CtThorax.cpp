#include "synth/CtThorax.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>

#include <itkConnectedComponentImageFilter.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkNiftiImageIO.h>
#include <itkNiftiImageIOFactory.h>
#include <itkOrientImageFilter.h>
#include <itkResampleImageFilter.h>
#include <itkSmoothingRecursiveGaussianImageFilter.h>

#include "Error.h"
#include "io/NiftiIO.h"

namespace fs = std::filesystem;

namespace longmim::synth {
namespace {

using CtImage = itk::Image<float, 3>;
using MaskImage = itk::Image<unsigned char, 3>;
using ComponentImage = itk::Image<unsigned int, 3>;

bool hasNiftiExtension(const std::string& name) {
  auto endsWith = [&](const char* suffix) {
    const std::string s(suffix);
    return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return endsWith(".nii") || endsWith(".nii.gz");
}

std::string stemOf(const std::string& name) {
  for (const char* ext : {".nii.gz", ".nii"}) {
    const std::string e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      return name.substr(0, name.size() - e.size());
    }
  }
  return name;
}

CtImage::Pointer readVolume(const std::string& path) {
  static std::once_flag once;
  std::call_once(once, [] { itk::NiftiImageIOFactory::RegisterOneFactory(); });
  // A damaged header can make ITK abort (non-finite geometry) or allocate what it claims.
  checkNiftiFile(path);
  auto reader = itk::ImageFileReader<CtImage>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(path);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throw DataError(path,
                    path + ": cannot read the volume (" + std::string(e.GetDescription()) + ")");
  }
  // The generator's frame: x from the patient's right to left, y from anterior to posterior, z
  // from superior to inferior. (ITK names an orientation by the side each axis starts from.)
  auto orient = itk::OrientImageFilter<CtImage, CtImage>::New();
  orient->SetInput(reader->GetOutput());
  orient->UseImageDirectionOn();
  orient->SetDesiredCoordinateOrientation(itk::SpatialOrientation::ITK_COORDINATE_ORIENTATION_RAS);
  orient->Update();
  CtImage::Pointer image = orient->GetOutput();
  image->DisconnectPipeline();
  return image;
}

// Resamples onto an isotropic grid with `spacing` mm covering the image, in index space (the
// orientation is already the generator's), smoothing first when shrinking.
template <typename Interpolator>
CtImage::Pointer resampleIsotropic(CtImage::Pointer image, double spacing, bool smooth,
                                   float outside) {
  const auto inSpacing = image->GetSpacing();
  const auto inSize = image->GetLargestPossibleRegion().GetSize();
  // Work in index units with the input's voxel sizes: drop direction and origin.
  CtImage::DirectionType identity;
  identity.SetIdentity();
  image->SetDirection(identity);
  CtImage::PointType zero;
  zero.Fill(0.0);
  image->SetOrigin(zero);
  if (smooth) {
    itk::FixedArray<double, 3> sigma;
    bool any = false;
    for (int d = 0; d < 3; ++d) {
      const double ratio = spacing / inSpacing[d];
      sigma[d] = ratio > 1.0 ? 0.5 * (ratio - 1.0) * inSpacing[d] : 0.01;
      any = any || ratio > 1.0;
    }
    if (any) {
      auto gauss = itk::SmoothingRecursiveGaussianImageFilter<CtImage, CtImage>::New();
      gauss->SetInput(image);
      gauss->SetSigmaArray(sigma);
      gauss->Update();
      image = gauss->GetOutput();
      image->DisconnectPipeline();
    }
  }
  CtImage::SizeType size;
  CtImage::SpacingType outSpacing;
  CtImage::PointType origin;
  for (int d = 0; d < 3; ++d) {
    const double extent = inSize[d] * inSpacing[d];
    size[d] = std::max<itk::SizeValueType>(
        1, static_cast<itk::SizeValueType>(std::lround(extent / spacing)));
    outSpacing[d] = spacing;
    origin[d] = -0.5 * inSpacing[d] + 0.5 * spacing;  // pixel-centre aligned
  }
  auto resample = itk::ResampleImageFilter<CtImage, CtImage>::New();
  resample->SetInput(image);
  resample->SetInterpolator(Interpolator::New());
  resample->SetOutputSpacing(outSpacing);
  resample->SetOutputOrigin(origin);
  resample->SetSize(size);
  resample->SetDefaultPixelValue(outside);
  resample->Update();
  return resample->GetOutput();
}

template <typename T>
Volume<T> toVolume(const CtImage* image, double spacing) {
  const auto size = image->GetLargestPossibleRegion().GetSize();
  Volume<T> v(static_cast<int>(size[0]), static_cast<int>(size[1]), static_cast<int>(size[2]),
              spacing);
  const float* buffer = image->GetBufferPointer();
  for (size_t i = 0; i < v.size(); ++i)
    v.data[i] = static_cast<T>(buffer[i]);
  return v;
}

// Connected components (6-connected) of `mask`; returns per-voxel labels, per-label sizes and
// whether the label touches a side of the volume (outside air does).
struct Components {
  std::vector<unsigned int> labels;
  std::vector<size_t> sizes;  // index = label
  std::vector<bool> touchesBorder;
};

Components components(const std::vector<unsigned char>& mask, int nx, int ny, int nz) {
  auto image = MaskImage::New();
  MaskImage::RegionType region;
  region.SetSize({static_cast<itk::SizeValueType>(nx), static_cast<itk::SizeValueType>(ny),
                  static_cast<itk::SizeValueType>(nz)});
  image->SetRegions(region);
  image->Allocate();
  std::copy(mask.begin(), mask.end(), image->GetBufferPointer());
  auto filter = itk::ConnectedComponentImageFilter<MaskImage, ComponentImage>::New();
  filter->SetInput(image);
  filter->FullyConnectedOff();
  filter->Update();
  Components c;
  const unsigned int* labels = filter->GetOutput()->GetBufferPointer();
  c.labels.assign(labels, labels + mask.size());
  const unsigned int count = filter->GetObjectCount();
  c.sizes.assign(count + 1, 0);
  c.touchesBorder.assign(count + 1, false);
  for (int z = 0; z < nz; ++z) {
    for (int y = 0; y < ny; ++y) {
      for (int x = 0; x < nx; ++x) {
        const size_t i =
            static_cast<size_t>(x) + static_cast<size_t>(nx) * (y + static_cast<size_t>(ny) * z);
        const unsigned int l = c.labels[i];
        if (!l)
          continue;
        ++c.sizes[l];
        // Left, right, front and back faces only: the trachea leaves through the top slice and
        // must not make the lungs count as outside air.
        if (x == 0 || y == 0 || x == nx - 1 || y == ny - 1)
          c.touchesBorder[l] = true;
      }
    }
  }
  return c;
}

void labelBodyAndLungs(ThoraxVolume& t, const std::vector<unsigned char>* lungMask,
                       const std::string& path) {
  const HuVolume& hu = t.hu;
  std::vector<unsigned char> air(hu.size());
  for (size_t i = 0; i < hu.size(); ++i)
    air[i] = hu.data[i] < -400.0f ? 1 : 0;
  const Components airParts = components(air, hu.nx, hu.ny, hu.nz);

  // Body: everything that is not air connected to the border.
  size_t bodyVoxels = 0;
  double bodyX = 0.0;
  for (size_t i = 0; i < hu.size(); ++i) {
    const unsigned int l = airParts.labels[i];
    if (l && airParts.touchesBorder[l])
      continue;
    t.labels.data[i] |= kBody;
    ++bodyVoxels;
    bodyX += static_cast<double>(i % hu.nx);
  }
  if (bodyVoxels == 0)
    throw DataError(path, path + ": no body found (is this a CT in Hounsfield units?)");
  const double midX = bodyX / bodyVoxels;

  std::vector<unsigned char> lungs(hu.size(), 0);
  if (lungMask) {
    lungs = *lungMask;
  } else {
    size_t largest = 0;
    for (size_t l = 1; l < airParts.sizes.size(); ++l) {
      if (!airParts.touchesBorder[l])
        largest = std::max(largest, airParts.sizes[l]);
    }
    // Inner air regions at least a fifth of the largest: the lungs (and the airways joined to
    // them), not bowel gas bubbles.
    for (size_t i = 0; i < hu.size(); ++i) {
      const unsigned int l = airParts.labels[i];
      if (l && !airParts.touchesBorder[l] && airParts.sizes[l] * 5 >= largest)
        lungs[i] = 1;
    }
  }
  size_t lungVoxels = 0;
  for (size_t i = 0; i < hu.size(); ++i) {
    if (!lungs[i])
      continue;
    ++lungVoxels;
    const bool right = static_cast<double>(i % hu.nx) < midX;
    t.labels.data[i] =
        static_cast<std::uint16_t>(t.labels.data[i] | kBody | (right ? kLungRight : kLungLeft));
  }
  if (lungVoxels < std::max<size_t>(200, bodyVoxels / 200)) {
    throw DataError(
        path, path + ": no lung detected (" +
                  (lungMask ? std::string("the lung mask is empty")
                            : std::string("no air-filled region below -400 HU inside the body")) +
                  "); is this a chest CT in Hounsfield units? A lung mask can be given with "
                  "--lung-seg");
  }
  for (size_t i = 0; i < hu.size(); ++i) {
    if ((t.labels.data[i] & kBody) && !(t.labels.data[i] & kLungs) && hu.data[i] > 300.0f)
      t.labels.data[i] |= kBone;
  }
}

// Heart and hila from the lungs' extent: the generator only needs plausible landmarks.
void estimateLandmarks(ThoraxVolume& t) {
  const VoxelBox lungs = boundingBox(t.labels, kLungs);
  const double width = lungs.hi[0] - lungs.lo[0];
  const double height = lungs.hi[2] - lungs.lo[2];
  const double depth = lungs.hi[1] - lungs.lo[1];
  const double midX = 0.5 * (lungs.lo[0] + lungs.hi[0]);
  t.heart.centre = {midX + 0.1 * width, lungs.lo[1] + 0.4 * depth, lungs.lo[2] + 0.72 * height};
  t.heart.radii = {0.2 * width, 0.3 * depth, 0.19 * height};
  for (int side = 0; side < 2; ++side) {
    const VoxelBox box = boundingBox(t.labels, side == 0 ? kLungRight : kLungLeft);
    const double w = box.hi[0] - box.lo[0];
    const double medial = side == 0 ? box.hi[0] : box.lo[0];
    t.hilum[side] = {medial + (side == 0 ? -0.25 : 0.25) * w, 0.5 * (box.lo[1] + box.hi[1]),
                     box.lo[2] + 0.45 * (box.hi[2] - box.lo[2])};
  }
  for (int z = std::max(0, static_cast<int>(t.heart.centre[2] - t.heart.radii[2]));
       z < std::min(t.hu.nz, static_cast<int>(t.heart.centre[2] + t.heart.radii[2]) + 1); ++z) {
    for (int y = 0; y < t.hu.ny; ++y) {
      for (int x = 0; x < t.hu.nx; ++x) {
        const double u = (x - t.heart.centre[0]) / t.heart.radii[0];
        const double v = (y - t.heart.centre[1]) / t.heart.radii[1];
        const double w = (z - t.heart.centre[2]) / t.heart.radii[2];
        if (u * u + v * v + w * w > 1.0)
          continue;
        const size_t i = t.hu.index(x, y, z);
        const std::uint16_t label = t.labels.data[i];
        if ((label & kBody) && !(label & (kLungs | kBone)) && t.hu.data[i] > -60.0f &&
            t.hu.data[i] < 200.0f) {
          t.labels.data[i] |= kHeart;
        }
      }
    }
  }
}

}  // namespace

void requireCtVolume(const std::string& path) {
  const NiftiHeader header = readNiftiHeader(path);
  size_t longAxes = 0;
  for (const size_t s : header.sizes)
    longAxes += s > 1 ? 1 : 0;
  if (header.components != 1) {
    throw DataError(path, path + ": has " + std::to_string(header.components) +
                              " components per voxel; expected a scalar CT volume in HU");
  }
  if (header.sizes.size() != 3 || longAxes != 3) {
    throw DataError(path, path + ": is " + std::to_string(header.sizes.size()) + "-D (" +
                              header.sizeText() + "); expected a 3-D CT volume");
  }
}

ThoraxVolume loadCtThorax(const std::string& ctPath, const std::string& lungSegPath,
                          int lateralVoxels) {
  requireCtVolume(ctPath);
  CtImage::Pointer ct = readVolume(ctPath);
  const auto size = ct->GetLargestPossibleRegion().GetSize();
  const auto spacing = ct->GetSpacing();
  const double extent = std::max(size[0] * spacing[0], size[2] * spacing[2]);
  const double target = extent / std::max(16, lateralVoxels);

  ThoraxVolume thorax;
  CtImage::Pointer grid = resampleIsotropic<itk::LinearInterpolateImageFunction<CtImage, double>>(
      ct, target, true, -1000.0f);
  thorax.hu = toVolume<float>(grid, target);
  thorax.labels = LabelVolume(thorax.hu.nx, thorax.hu.ny, thorax.hu.nz, target, 0);

  std::vector<unsigned char> mask;
  if (!lungSegPath.empty()) {
    requireCtVolume(lungSegPath);
    CtImage::Pointer seg = readVolume(lungSegPath);
    const auto segSize = seg->GetLargestPossibleRegion().GetSize();
    for (int d = 0; d < 3; ++d) {
      if (segSize[d] != size[d]) {
        throw DataError(lungSegPath,
                        lungSegPath + ": the lung mask's grid (" + std::to_string(segSize[0]) +
                            "x" + std::to_string(segSize[1]) + "x" + std::to_string(segSize[2]) +
                            ") differs from the CT's " + ctPath);
      }
    }
    CtImage::Pointer segGrid =
        resampleIsotropic<itk::NearestNeighborInterpolateImageFunction<CtImage, double>>(
            seg, target, false, 0.0f);
    const float* buffer = segGrid->GetBufferPointer();
    mask.resize(thorax.hu.size());
    for (size_t i = 0; i < mask.size(); ++i)
      mask[i] = buffer[i] > 0.5f ? 1 : 0;
  }
  labelBodyAndLungs(thorax, lungSegPath.empty() ? nullptr : &mask,
                    lungSegPath.empty() ? ctPath : lungSegPath);
  estimateLandmarks(thorax);
  return thorax;
}

std::vector<std::string> collectNiftiFiles(const std::vector<std::string>& inputs,
                                           const char* what) {
  std::vector<std::string> files;
  for (const std::string& input : inputs) {
    std::error_code ec;
    if (fs::is_directory(input, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(input, ec)) {
        if (entry.is_regular_file() && hasNiftiExtension(entry.path().filename().string())) {
          found.push_back(entry.path().string());
        }
      }
      if (found.empty())
        throw DataError(input, input + ": folder holds no " + std::string(what) + " NIfTI file");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(input, ec)) {
      files.push_back(input);
    } else {
      throw DataError(input, input + ": " + std::string(what) + " file or folder not found");
    }
  }
  return files;
}

std::vector<std::string> matchLungMasks(const std::vector<std::string>& ctFiles,
                                        const std::vector<std::string>& maskFiles) {
  if (maskFiles.empty())
    return std::vector<std::string>(ctFiles.size());
  if (ctFiles.size() == 1 && maskFiles.size() == 1)
    return maskFiles;
  std::map<std::string, std::string> byStem;
  for (const std::string& m : maskFiles)
    byStem[stemOf(fs::path(m).filename().string())] = m;
  std::vector<std::string> matched;
  for (const std::string& ct : ctFiles) {
    const std::string stem = stemOf(fs::path(ct).filename().string());
    std::string found;
    for (const std::string& candidate :
         {stem, stem + "_seg", stem + "_lungs", stem + "_lung_seg"}) {
      const auto it = byStem.find(candidate);
      if (it != byStem.end()) {
        found = it->second;
        break;
      }
    }
    if (found.empty()) {
      throw DataError(ct, ct +
                              ": no lung mask found for it among the --lung-seg inputs (expected " +
                              stem + ".nii.gz or " + stem + "_seg.nii.gz)");
    }
    matched.push_back(found);
  }
  return matched;
}

}  // namespace longmim::synth
