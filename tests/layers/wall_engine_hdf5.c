/* Must not compile with the engine's include path: the engine knows no
 * files (only io, experiment and cli USE HDF5). */
#include <hdf5.h>
