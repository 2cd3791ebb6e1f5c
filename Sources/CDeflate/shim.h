// libdeflate: whole-buffer DEFLATE/gzip, several times faster than zlib's streaming inflate.
#include <libdeflate.h>
