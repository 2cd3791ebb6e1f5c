#ifndef CNIFTI_H
#define CNIFTI_H
// The niftilib boundary: niftilib's own API plus a few helpers that keep its packed header
// structs on the C side. Swift sees plain, unpacked structs only.
#include <stddef.h>
#include <stdint.h>
#include <nifti/nifti2_io.h>

/// Header fields HepaFoci writes, in their widest types (NIfTI-2 precision).
typedef struct {
  int64_t dim[8];
  double pixdim[8];
  int datatype;
  double scl_slope;
  double scl_inter;
  double cal_min;
  double cal_max;
  int qform_code;
  int sform_code;
  double quatern_b, quatern_c, quatern_d;
  double qoffset_x, qoffset_y, qoffset_z;
  double srow_x[4];
  double srow_y[4];
  double srow_z[4];
  int xyzt_units;
  int intent_code;
  int64_t vox_offset;
  char descrip[80];
} cnifti_fields;

/// Size in bytes of a NIfTI-1 (348) or NIfTI-2 (540) header.
size_t cnifti_header_size(int version);

/// The NIfTI version of a header in memory: 1 or 2, 0 for ANALYZE 7.5, -1 if neither.
/// Either byte order is recognised.
int cnifti_header_version(const void *bytes, size_t count);

/// Converts raw header bytes (either byte order) to niftilib's image description, without data.
/// `path` names the file for niftilib's bookkeeping only; nothing is opened.
/// Returns NULL when niftilib refuses the header. Free with nifti_image_free.
nifti_image *cnifti_image_from_header(const void *bytes, size_t count, const char *path);

/// Encodes `fields` as a single-file (n+1 / n+2) header in native byte order into `out`,
/// which must hold cnifti_header_size(version) bytes. Returns 0 on success.
int cnifti_encode_header(const cnifti_fields *fields, int version, void *out);

#endif
