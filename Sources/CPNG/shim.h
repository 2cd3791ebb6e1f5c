// libpng 1.6's simplified API (png_image_*): whole images in and out, no setjmp.
#include <png.h>
