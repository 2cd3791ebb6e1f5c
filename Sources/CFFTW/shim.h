// FFTW single precision (fftwf_*). Only the fftwf_execute* calls are thread-safe;
// plans must be created and destroyed from one place at a time.
#include <fftw3.h>
