// nifti2_io.h includes <znzlib.h> with angle brackets while Debian installs it under nifti/;
// this forwarder lets the include resolve without unsafe header-search flags.
#include <nifti/znzlib.h>
