// Intel ISA-L's igzip: the fastest DEFLATE/gzip compressor at its low levels.
#include <isa-l/igzip_lib.h>

// The level buffer sizes are nested macros Swift does not import; the library's defaults.
static inline unsigned int hepafoci_isal_level_buffer_bytes(unsigned int level) {
  switch (level) {
  case 1: return ISAL_DEF_LVL1_DEFAULT;
  case 2: return ISAL_DEF_LVL2_DEFAULT;
  case 3: return ISAL_DEF_LVL3_DEFAULT;
  default: return 0;
  }
}
