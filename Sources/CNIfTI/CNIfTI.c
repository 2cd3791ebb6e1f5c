#include "CNIfTI.h"
#include <string.h>

size_t cnifti_header_size(int version) {
  return version == 2 ? sizeof(nifti_2_header) : sizeof(nifti_1_header);
}

int cnifti_header_version(const void *bytes, size_t count) {
  return nifti_header_version((const char *)bytes, count);
}

nifti_image *cnifti_image_from_header(const void *bytes, size_t count, const char *path) {
  int version = nifti_header_version((const char *)bytes, count);
  if (version == 2 && count >= sizeof(nifti_2_header)) {
    nifti_2_header h;
    memcpy(&h, bytes, sizeof h);
    return nifti_convert_n2hdr2nim(h, path);
  }
  if ((version == 1 || version == 0) && count >= sizeof(nifti_1_header)) {
    nifti_1_header h;
    memcpy(&h, bytes, sizeof h);
    return nifti_convert_n1hdr2nim(h, path);
  }
  return NULL;
}

static void encode_n1(const cnifti_fields *f, nifti_1_header *h) {
  memset(h, 0, sizeof *h);
  h->sizeof_hdr = (int)sizeof(nifti_1_header);
  for (int i = 0; i < 8; i++) {
    h->dim[i] = (short)f->dim[i];
    h->pixdim[i] = (float)f->pixdim[i];
  }
  h->datatype = (short)f->datatype;
  int nbyper = 0, swapsize = 0;
  nifti_datatype_sizes(f->datatype, &nbyper, &swapsize);
  h->bitpix = (short)(8 * nbyper);
  h->vox_offset = (float)f->vox_offset;
  h->scl_slope = (float)f->scl_slope;
  h->scl_inter = (float)f->scl_inter;
  h->cal_min = (float)f->cal_min;
  h->cal_max = (float)f->cal_max;
  h->qform_code = (short)f->qform_code;
  h->sform_code = (short)f->sform_code;
  h->quatern_b = (float)f->quatern_b;
  h->quatern_c = (float)f->quatern_c;
  h->quatern_d = (float)f->quatern_d;
  h->qoffset_x = (float)f->qoffset_x;
  h->qoffset_y = (float)f->qoffset_y;
  h->qoffset_z = (float)f->qoffset_z;
  for (int i = 0; i < 4; i++) {
    h->srow_x[i] = (float)f->srow_x[i];
    h->srow_y[i] = (float)f->srow_y[i];
    h->srow_z[i] = (float)f->srow_z[i];
  }
  h->xyzt_units = (char)f->xyzt_units;
  h->intent_code = (short)f->intent_code;
  memcpy(h->descrip, f->descrip, sizeof h->descrip);
  memcpy(h->magic, "n+1", 4);
}

static void encode_n2(const cnifti_fields *f, nifti_2_header *h) {
  memset(h, 0, sizeof *h);
  h->sizeof_hdr = (int)sizeof(nifti_2_header);
  memcpy(h->magic, "n+2\0\r\n\032\n", 8);
  for (int i = 0; i < 8; i++) {
    h->dim[i] = f->dim[i];
    h->pixdim[i] = f->pixdim[i];
  }
  h->datatype = (short)f->datatype;
  int nbyper = 0, swapsize = 0;
  nifti_datatype_sizes(f->datatype, &nbyper, &swapsize);
  h->bitpix = (short)(8 * nbyper);
  h->vox_offset = f->vox_offset;
  h->scl_slope = f->scl_slope;
  h->scl_inter = f->scl_inter;
  h->cal_min = f->cal_min;
  h->cal_max = f->cal_max;
  h->qform_code = f->qform_code;
  h->sform_code = f->sform_code;
  h->quatern_b = f->quatern_b;
  h->quatern_c = f->quatern_c;
  h->quatern_d = f->quatern_d;
  h->qoffset_x = f->qoffset_x;
  h->qoffset_y = f->qoffset_y;
  h->qoffset_z = f->qoffset_z;
  for (int i = 0; i < 4; i++) {
    h->srow_x[i] = f->srow_x[i];
    h->srow_y[i] = f->srow_y[i];
    h->srow_z[i] = f->srow_z[i];
  }
  h->xyzt_units = f->xyzt_units;
  h->intent_code = f->intent_code;
  memcpy(h->descrip, f->descrip, sizeof h->descrip);
}

int cnifti_encode_header(const cnifti_fields *fields, int version, void *out) {
  if (version == 1) {
    nifti_1_header h;
    encode_n1(fields, &h);
    if (!nifti_hdr1_looks_good(&h)) return -1;
    memcpy(out, &h, sizeof h);
    return 0;
  }
  if (version == 2) {
    nifti_2_header h;
    encode_n2(fields, &h);
    if (!nifti_hdr2_looks_good(&h)) return -1;
    memcpy(out, &h, sizeof h);
    return 0;
  }
  return -1;
}
